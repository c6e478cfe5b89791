package mediators

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// throttlePolicy is the compiled inline WS-Policy of a <throttle>.
type throttlePolicy struct {
	maxConcurrent int
	rules         []throttleRule // specific callers first, then "other"
}

type accessKind uint8

const (
	accessControl accessKind = iota
	accessAllow
	accessDeny
)

// throttleRule is one throttle:ID with its Control (or Allow/Deny).
type throttleRule struct {
	domain bool // DOMAIN (REMOTE_HOST) rather than IP (REMOTE_ADDR)
	other  bool // applies to every caller no earlier rule matched
	ips    netip.Prefix
	lo, hi netip.Addr // an IP range a-b (or one address)
	host   string     // a domain, or "*.suffix"
	access accessKind
	max    int
	unit   time.Duration
	// prohibit is ProhibitTimePeriod: how long a caller over its count is
	// refused; 0 means until the end of the window.
	prohibit time.Duration
}

func (r *throttleRule) matches(ip netip.Addr, host string) bool {
	switch {
	case r.other:
		return true
	case r.domain:
		if suffix, ok := strings.CutPrefix(r.host, "*"); ok {
			return strings.HasSuffix(host, suffix)
		}
		return strings.EqualFold(host, r.host)
	case !ip.IsValid():
		return false
	case r.ips.IsValid():
		return r.ips.Contains(ip)
	}
	return ip.Compare(r.lo) >= 0 && ip.Compare(r.hi) <= 0
}

// errEmptyID: a throttle:ID names no caller.
var errEmptyID = errors.New("empty throttle:ID; want an IP, a range a-b, a CIDR, a domain or other")

// policyWrappers are the WS-Policy and throttle elements that only group.
var policyWrappers = map[string]bool{"Policy": true, "All": true, "ExactlyOne": true,
	"ThrottleAssertion": true, "MediatorThrottleAssertion": true, "ModuleThrottleAssertion": true,
	"ServiceThrottleAssertion": true, "OperationThrottleAssertion": true}

// compilePolicy reads <policy> with an inline <wsp:Policy>, or key= a
// local entry or registry resource holding one (resolved at deploy time).
func compilePolicy(el *etree.Element, c *mediation.Compiler) (*throttlePolicy, error) {
	if key, ok := mediation.Attr(el, "key"); ok {
		if len(el.ChildElements()) > 0 {
			return nil, c.Errorf(el, "use either key= or an inline <wsp:Policy>, not both")
		}
		res, err := c.MustResource(el, "key", key)
		if err != nil {
			return nil, err
		}
		if res.XML == nil || res.XML.Tag != "Policy" {
			return nil, c.Errorf(el, "key=%q: the resource (%s) is not a <wsp:Policy>", key, res.File)
		}
		var p *throttlePolicy
		err = c.InResource(el, res, func() error {
			var err error
			p, err = compilePolicyBody(res.XML, c)
			return err
		})
		return p, err
	}
	if len(el.ChildElements()) != 1 || el.ChildElements()[0].Tag != "Policy" {
		return nil, c.Errorf(el, "want one inline <wsp:Policy>")
	}
	return compilePolicyBody(el, c)
}

// compilePolicyBody reads the policy under el (<policy> or <wsp:Policy>).
func compilePolicyBody(el *etree.Element, c *mediation.Compiler) (*throttlePolicy, error) {
	p := &throttlePolicy{}
	var others []throttleRule
	var bare *etree.Element // MaximumCount etc. outside any throttle:ID
	var walk func(e *etree.Element) error
	walk = func(e *etree.Element) error {
		for _, ch := range e.ChildElements() {
			switch {
			case ch.Tag == "MaximumConcurrentAccess":
				n, err := policyInt(ch, c, 1)
				if err != nil {
					return err
				}
				p.maxConcurrent = n
			case ch.Tag == "ID":
				r, err := compileRule(e, ch, c)
				if err != nil {
					return err
				}
				if r.other {
					others = append(others, r)
				} else {
					p.rules = append(p.rules, r)
				}
				return nil // the rest of e belongs to this rule
			case ch.Tag == "MaximumCount" || ch.Tag == "UnitTime" || ch.Tag == "ProhibitTimePeriod":
				bare = e
			case policyWrappers[ch.Tag]:
				if err := walk(ch); err != nil {
					return err
				}
			default:
				return c.Errorf(ch, "unknown throttle policy element")
			}
		}
		return nil
	}
	if err := walk(el); err != nil {
		return nil, err
	}
	if bare != nil { // a rates-only policy applies to every caller
		r := throttleRule{other: true}
		if err := ruleLimits(bare, c, &r); err != nil {
			return nil, err
		}
		others = append(others, r)
	}
	p.rules = append(p.rules, others...)
	if p.maxConcurrent == 0 && len(p.rules) == 0 {
		return nil, c.Errorf(el, "the policy sets neither MaximumConcurrentAccess nor any throttle:ID or MaximumCount")
	}
	return p, nil
}

// compileRule reads throttle:ID and the limits in the rest of its group.
func compileRule(group, id *etree.Element, c *mediation.Compiler) (throttleRule, error) {
	r := throttleRule{}
	typ := "IP"
	for _, a := range id.Attr {
		if a.Key == "type" {
			typ = strings.ToUpper(strings.TrimSpace(a.Value))
		}
	}
	if typ != "IP" && typ != "DOMAIN" {
		return r, c.Errorf(id, "type %q: want IP or DOMAIN", typ)
	}
	r.domain = typ == "DOMAIN"
	if err := parseCallers(strings.TrimSpace(id.Text()), &r); err != nil {
		return r, c.Errorf(id, "%v", err)
	}
	return r, ruleLimits(group, c, &r)
}

func parseCallers(v string, r *throttleRule) error {
	switch {
	case v == "":
		return errEmptyID
	case strings.EqualFold(v, "other"):
		r.other = true
	case r.domain:
		r.host = v
	case strings.Contains(v, "/"):
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			return err
		}
		r.ips = pfx.Masked()
	default:
		lo, hi, isRange := strings.Cut(v, "-")
		var err error
		if r.lo, err = netip.ParseAddr(strings.TrimSpace(lo)); err != nil {
			return err
		}
		r.hi = r.lo
		if isRange {
			if r.hi, err = netip.ParseAddr(strings.TrimSpace(hi)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ruleLimits finds MaximumCount, UnitTime, ProhibitTimePeriod and the
// access kind (Control, Allow, Deny, or IsAllow true/false) under group.
func ruleLimits(group *etree.Element, c *mediation.Compiler, r *throttleRule) error {
	counted, allow, deny := false, false, false
	var err error
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		for _, ch := range e.ChildElements() {
			if err != nil {
				return
			}
			var n int
			switch ch.Tag {
			case "MaximumCount":
				n, err = policyInt(ch, c, 0)
				r.max, counted = n, true
			case "UnitTime":
				n, err = policyInt(ch, c, 1)
				r.unit = time.Duration(n) * time.Millisecond
			case "ProhibitTimePeriod":
				if strings.TrimSpace(ch.Text()) != "" {
					n, err = policyInt(ch, c, 0)
					r.prohibit = time.Duration(n) * time.Millisecond
				}
			case "Allow":
				allow = true
			case "Deny":
				deny = true
			case "IsAllow", "IsAllowed":
				deny = strings.TrimSpace(ch.Text()) == "false"
			case "ID":
			default:
				walk(ch)
			}
		}
	}
	walk(group)
	switch {
	case err != nil:
		return err
	case deny:
		r.access = accessDeny
	case counted:
		if r.unit == 0 {
			return c.Errorf(group, "throttle control without a UnitTime")
		}
	case allow:
		r.access = accessAllow
	default:
		return c.Errorf(group, "throttle:ID without MaximumCount, Allow or Deny")
	}
	return nil
}

func policyInt(el *etree.Element, c *mediation.Compiler, min int) (int, error) {
	t := strings.TrimSpace(el.Text())
	n, err := strconv.Atoi(t)
	if err != nil || n < min {
		return 0, c.Errorf(el, "%q: want an integer of at least %d", t, min)
	}
	return n, nil
}
