package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// problems collects every error of a config, so one run shows them all.
type problems []error

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Errorf(format, args...))
}

// Validate checks the whole config and returns every problem found, joined
// (errors.Join); each names its key path, e.g.
// `apis[1] (admin--Foo:v1.0): backend[0]: "ftp://x" is not an http(s) URL`.
// It expects defaults to have been applied (Parse does).
func (c *Config) Validate() error {
	var p problems
	c.validateTop(&p)
	domains := c.validateTenants(&p)
	tiers := c.validateTiers(&p)
	c.validateApps(&p, domains, tiers)
	c.validateAPIs(&p, domains, tiers)
	c.validateMediation(&p)
	c.validateSecurity(&p, domains)
	c.validateThrottling(&p, tiers)
	c.validateAnalytics(&p)
	c.validateAccessLog(&p)
	c.validateCORS(&p)
	c.validateForwarding(&p)
	return errors.Join(p...)
}

func (c *Config) validateTop(p *problems) {
	if c.Listen.HTTP == "" {
		p.add("listen.http: empty address")
	}
	if c.ExtensionHandlerPosition != PositionTop && c.ExtensionHandlerPosition != PositionBottom {
		p.add("extension_handler_position: %q is not top or bottom", c.ExtensionHandlerPosition)
	}
	c.Limits.validate(p)
	positive := []struct {
		key string
		v   int64
	}{
		{"timeouts.header_read", int64(c.Timeouts.HeaderRead)},
		{"timeouts.read", int64(c.Timeouts.Read)},
		{"timeouts.write", int64(c.Timeouts.Write)},
		{"timeouts.idle", int64(c.Timeouts.Idle)},
		{"timeouts.backend", int64(c.Timeouts.Backend)},
		{"timeouts.aggregate", int64(c.Timeouts.Aggregate)},
	}
	for _, x := range positive {
		if x.v <= 0 {
			p.add("%s: must be positive", x.key)
		}
	}
	c.Listen.validateAdmin(p)
	c.TLS.validate(p, c.Listen)
	c.Lifecycle.validate(p)
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("log.level: %q is not debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "json" && c.Log.Format != "console" {
		p.add("log.format: %q is not json or console", c.Log.Format)
	}
	if d := c.Limits.JSONDuplicateKeys; d != JSONDuplicateKeysRefuse && d != JSONDuplicateKeysAllow {
		p.add("limits.json_duplicate_keys: %q is not refuse or allow", d)
	}
}

// validateTenants checks ids and domains and returns the declared domains,
// the super tenant included.
func (c *Config) validateTenants(p *problems) map[string]bool {
	domains := map[string]bool{SuperTenantDomain: true}
	ids := map[int]int{}
	for i, t := range c.Tenants {
		at := fmt.Sprintf("tenants[%d] (%s)", i, t.Domain)
		if t.ID <= 0 {
			p.add("%s: id %d must be positive (the super tenant is implicit)", at, t.ID)
		} else if j, dup := ids[t.ID]; dup {
			p.add("%s: id %d already used by tenants[%d]", at, t.ID, j)
		}
		ids[t.ID] = i
		switch {
		case t.Domain == SuperTenantDomain:
			p.add("%s: domain %s is the implicit super tenant", at, SuperTenantDomain)
		case !validDomain(t.Domain):
			p.add("%s: domain %q is not a valid DNS name (lower-case labels of a-z, 0-9, -)", at, t.Domain)
		case domains[t.Domain]:
			p.add("%s: domain declared twice", at)
		}
		domains[t.Domain] = true
	}
	return domains
}

// validDomain accepts lower-case DNS names: labels of 1-63 letters, digits
// and inner hyphens, separated by dots, 253 characters at most.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// validateTiers checks the tiers and returns them by name.
func (c *Config) validateTiers(p *problems) map[string]bool {
	tiers := map[string]bool{}
	for i, t := range c.Tiers {
		at := fmt.Sprintf("tiers[%d] (%s)", i, t.Name)
		switch {
		case t.Name == "":
			p.add("%s: name is required", at)
		case strings.EqualFold(t.Name, TierUnlimited):
			p.add("%s: %s is reserved for no limit", at, TierUnlimited)
		case tiers[t.Name]:
			p.add("%s: name declared twice", at)
		}
		tiers[t.Name] = true
		if t.Requests <= 0 {
			p.add("%s: requests must be > 0", at)
		}
		if t.Unit <= 0 {
			p.add("%s: unit must be > 0", at)
		}
	}
	return tiers
}

// tierKnown reports whether name is "" / Unlimited or a declared tier.
func tierKnown(tiers map[string]bool, name string) bool {
	return name == "" || name == TierUnlimited || tiers[name]
}

// validateApps checks applications; keys are never printed in errors.
func (c *Config) validateApps(p *problems, domains, tiers map[string]bool) {
	type where struct{ app, key int }
	keys := map[string]where{}
	names := map[string]int{}
	consumerKeys := map[string]int{}
	ids := map[string]int{}
	for i, a := range c.Applications {
		at := fmt.Sprintf("applications[%d] (%s)", i, a.Name)
		if a.Name == "" {
			p.add("%s: name is required", at)
		} else if j, dup := names[a.Tenant+"/"+a.Name]; dup {
			p.add("%s: name already used by applications[%d] in tenant %s", at, j, a.Tenant)
		}
		names[a.Tenant+"/"+a.Name] = i
		// The id is the application's throttle subject: two apps with one
		// id would share (and drain) each other's quotas.
		if j, dup := ids[a.Tenant+"/"+a.ID]; dup {
			p.add("%s: id %q already used by applications[%d] in tenant %s", at, a.ID, j, a.Tenant)
		}
		ids[a.Tenant+"/"+a.ID] = i
		if !domains[a.Tenant] {
			p.add("%s: tenant %q is not declared in tenants", at, a.Tenant)
		}
		if !tierKnown(tiers, a.Tier) {
			p.add("%s: tier %q is not declared in tiers", at, a.Tier)
		}
		// No keys is fine: an application may be known only by the
		// consumer key its OAuth2 tokens carry (tier, subscriptions).
		if j, dup := consumerKeys[a.Tenant+"/"+a.ConsumerKey]; dup {
			p.add("%s: consumer_key %q already used by applications[%d] in tenant %s", at, a.ConsumerKey, j, a.Tenant)
		}
		consumerKeys[a.Tenant+"/"+a.ConsumerKey] = i
		c.checkSubscriptionProviders(p, at, &c.Applications[i])
		if a.KeyType != KeyTypeProduction && a.KeyType != KeyTypeSandbox {
			p.add("%s: key_type %q: must be PRODUCTION or SANDBOX", at, a.KeyType)
		}
		for k, key := range a.Keys {
			if strings.TrimSpace(key) == "" {
				p.add("%s: keys[%d]: empty key", at, k)
				continue
			}
			if w, dup := keys[key]; dup {
				p.add("%s: keys[%d]: same key as applications[%d] keys[%d]", at, k, w.app, w.key)
				continue
			}
			keys[key] = where{i, k}
		}
	}
}

// checkSubscriptionProviders refuses a subscription without provider that
// covers APIs of several providers in the application's tenant: it would
// open every one of them.
func (c *Config) checkSubscriptionProviders(p *problems, at string, app *App) {
	for j := range app.Subscriptions {
		s := &app.Subscriptions[j]
		if s.Provider != "" {
			continue
		}
		var providers []string
		for k := range c.APIs {
			api := &c.APIs[k]
			if api.Tenant == app.Tenant && s.Covers(api) && !slices.Contains(providers, api.Provider) {
				providers = append(providers, api.Provider)
			}
		}
		if len(providers) > 1 {
			p.add("%s: subscriptions[%d]: API %s of tenant %s comes from providers %s: name one in provider",
				at, j, s.API, app.Tenant, strings.Join(providers, ", "))
		}
	}
}
