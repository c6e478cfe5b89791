package config

import (
	"net/netip"
	"strings"
)

// DefaultMaxHops is limits.max_hops' default: a request that has passed
// through seqgates more often than this (X-Seqgate-Hops) gets 508.
const DefaultMaxHops = 10

// DefaultMaxBackendHosts is limits.max_backend_hosts' default.
const DefaultMaxBackendHosts = 1024

// Forwarding configures what the gateway believes of the proxies in front
// of it.
type Forwarding struct {
	// TrustedProxies are CIDRs (or single addresses) of the load balancers
	// and proxies in front of the gateway. From them, X-Forwarded-For is
	// appended to (the client's chain kept) and X-Forwarded-Proto/-Host are
	// passed on. From any other peer the client-sent values are replaced:
	// X-Forwarded-For becomes the peer's address alone. Default: none.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// Prefixes parses TrustedProxies (validated: every entry parses).
func (f Forwarding) Prefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(f.TrustedProxies))
	for _, s := range f.TrustedProxies {
		if p, err := parsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

func (c *Config) validateForwarding(p *problems) {
	for i, s := range c.Forwarding.TrustedProxies {
		if _, err := parsePrefix(s); err != nil {
			p.add("forwarding.trusted_proxies[%d]: %q is not an address or CIDR", i, s)
		}
	}
}

// Defaults of the scatter-gather bounds (clone, iterate, aggregate).
const (
	DefaultMaxBranchesPerRequest = 64
	DefaultMaxInflightBranches   = 1024
	DefaultAggregateTimeout      = Duration(60e9)
)
