package config

import "fmt"

// Throttling chooses where throttle counters live and what happens when
// that store fails. Tiers are declared in tiers; who gets which tier is
// said by applications[].subscriptions, applications[].tier, apis[].tier,
// apis[].api_tier, resources[].tier and tenants[].default_tier (see
// handlers/throttle.go for the levels).
type Throttling struct {
	// Store is "memory" (default: counters per process) or "redis" (one
	// set of counters shared by every node using the same redis).
	Store string `yaml:"store"`
	// OnStoreError is "open" (default: let the request through) or
	// "closed" (answer 503) when the store cannot be reached.
	OnStoreError string `yaml:"on_store_error"`
	// Headers adds X-RateLimit-Limit/Remaining/Reset to answers of
	// throttled APIs (default true).
	Headers *bool `yaml:"headers"`
}

// Redis is the server the cluster shares: throttle counters (throttling.store:
// redis) and the redis_stream analytics sink.
type Redis struct {
	Addr         string   `yaml:"addr"` // host:port; empty: no redis
	Username     string   `yaml:"username"`
	Password     string   `yaml:"password"`
	PasswordFile string   `yaml:"password_file"`
	DB           int      `yaml:"db"`
	Timeout      Duration `yaml:"timeout"`    // dial, read and write, default 200ms
	KeyPrefix    string   `yaml:"key_prefix"` // default "seqgate:"
}

// Burst is the short-window limit of a tier (WSO2's burst control /
// rate limiting): at most Requests per Unit on top of the tier's quota.
type Burst struct {
	Requests int      `yaml:"requests"`
	Unit     Duration `yaml:"unit"`
}

// Subscription is an application's subscription to one API, optionally
// with its own tier (the subscription level: application x API).
type Subscription struct {
	API     string `yaml:"api"`     // the API's name
	Version string `yaml:"version"` // empty: every version
	// Provider is the API's provider; empty: the only provider of that
	// name (and version) in the application's tenant. Validation refuses
	// an empty one when the tenant has that API from several providers, so
	// a subscription never opens another provider's API of the same name.
	Provider string `yaml:"provider"`
	Tier     string `yaml:"tier"`
}

// Covers reports whether the subscription names api (of the application's
// tenant): its name, its version unless the subscription names none, its
// provider unless the subscription names none.
func (s *Subscription) Covers(api *API) bool {
	return s.API == api.Name && (s.Version == "" || s.Version == api.Version) &&
		(s.Provider == "" || s.Provider == api.Provider)
}

// Store values.
const (
	StoreMemory = "memory"
	StoreRedis  = "redis"
	FailOpen    = "open"
	FailClosed  = "closed"
)

// HeadersEnabled reports whether X-RateLimit-* headers are sent.
func (t Throttling) HeadersEnabled() bool { return t.Headers == nil || *t.Headers }

// defaults fills the throttling and redis sections.
func (c *Config) throttlingDefaults() {
	setStr(&c.Throttling.Store, StoreMemory)
	setStr(&c.Throttling.OnStoreError, FailOpen)
	setDur(&c.Redis.Timeout, Duration(200e6))
	setStr(&c.Redis.KeyPrefix, "seqgate:")
}

// validateThrottling checks the throttling and redis sections, the bursts
// of tiers and the tier references of tenants, subscriptions, api_tier and
// resources (apis[].tier and applications[].tier are checked with their
// sections).
func (c *Config) validateThrottling(p *problems, tiers map[string]bool) {
	switch c.Throttling.Store {
	case StoreMemory:
	case StoreRedis:
		if c.Redis.Addr == "" {
			p.add("throttling.store: redis needs redis.addr")
		}
	default:
		p.add("throttling.store: %q is not memory or redis", c.Throttling.Store)
	}
	if c.Throttling.OnStoreError != FailOpen && c.Throttling.OnStoreError != FailClosed {
		p.add("throttling.on_store_error: %q is not open or closed", c.Throttling.OnStoreError)
	}
	if c.Redis.Timeout <= 0 {
		p.add("redis.timeout: must be positive")
	}
	for i, t := range c.Tiers {
		if b := t.Burst; b != nil && b.Requests <= 0 {
			p.add("tiers[%d] (%s): burst.requests must be > 0", i, t.Name)
		}
		if b := t.Burst; b != nil && b.Unit <= 0 {
			p.add("tiers[%d] (%s): burst.unit must be > 0", i, t.Name)
		}
	}
	unknown := func(at, key, name string) {
		if !tierKnown(tiers, name) {
			p.add("%s: %s %q is not declared in tiers", at, key, name)
		}
	}
	for i, t := range c.Tenants {
		unknown(fmt.Sprintf("tenants[%d] (%s)", i, t.Domain), "default_tier", t.DefaultTier)
	}
	for i, a := range c.Applications {
		for j, s := range a.Subscriptions {
			unknown(fmt.Sprintf("applications[%d] (%s): subscriptions[%d]", i, a.Name, j), "tier", s.Tier)
		}
	}
	for i := range c.APIs {
		a := &c.APIs[i]
		at := fmt.Sprintf("apis[%d] (%s)", i, a.SynapseName())
		unknown(at, "api_tier", a.APITier)
		for j, r := range a.Resources {
			unknown(fmt.Sprintf("%s: resources[%d]", at, j), "tier", r.Tier)
		}
	}
}
