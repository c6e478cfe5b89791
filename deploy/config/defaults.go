package config

import (
	"strings"
	"time"
)

// Default values, documented in README.md beside every option.
const (
	DefaultHTTP           = ":8280"
	DefaultAdmin          = "127.0.0.1:9765"
	AdminOff              = "off"
	DefaultMaxBodyBytes   = 10 << 20
	DefaultMaxXMLDepth    = 256
	DefaultMaxJSONDepth   = 256
	DefaultMaxURIBytes    = 8 << 10
	DefaultMaxHeaderBytes = 8 << 10
	DefaultMaxHeaders     = 100
	DefaultMaxConns       = 10000
	DefaultMaxRespBytes   = 64 << 20
	DefaultMaxBuffered    = 256 << 20
	// WSO2 threat protector limits; generous, since the body limit already
	// bounds the total: these stop a small body from building a huge tree.
	DefaultMaxXMLElements        = 100000
	DefaultMaxXMLAttributes      = 256
	DefaultMaxXMLAttributeLength = 64 << 10
	DefaultMaxXMLChildren        = 10000
	DefaultMaxXMLTextLength      = 1 << 20
	DefaultMaxJSONKeys           = 10000
	DefaultMaxJSONArrayLength    = 100000
	DefaultMaxJSONStringLength   = 1 << 20
	DefaultMaxJSONKeyLength      = 1024
	JSONDuplicateKeysRefuse      = "refuse"
	JSONDuplicateKeysAllow       = "allow"
	DefaultURITemplate           = "/*"
	AuthAPIKey                   = "apikey"
	AuthNone                     = "none"
	AuthMTLS                     = "mtls"
	PositionTop                  = "top"
	PositionBottom               = "bottom"
	TierUnlimited                = "Unlimited"
)

// Default timeouts.
const (
	DefaultHeaderReadTimeout = Duration(10e9)
	DefaultReadTimeout       = Duration(30e9)
	DefaultWriteTimeout      = Duration(30e9)
	DefaultIdleTimeout       = Duration(120e9)
	DefaultBackendTimeout    = Duration(60e9)
)

// AdminEnabled reports whether the admin listener runs ("off" disables it).
func (l Listen) AdminEnabled() bool { return !strings.EqualFold(l.Admin, AdminOff) }

// EventsEnabled reports whether the usage handler writes one event line per
// request (usage.events, default true).
func (u Usage) EventsEnabled() bool { return u.Events == nil || *u.Events }

// Defaults is the config with nothing set: every default applied, as
// Parse of an empty file gives it. Options that mirror part of the config
// (gateway.ServerOptions) fill their zero fields from it instead of
// listing the defaults a second time.
func Defaults() *Config {
	var c Config
	c.defaults()
	return &c
}

// defaults fills every unset option. It only fills and normalises (case of
// enums, methods, trailing slashes); Validate judges what is left.
func (c *Config) defaults() {
	setStr(&c.Listen.HTTP, DefaultHTTP)
	setStr(&c.Listen.Admin, DefaultAdmin)
	setStr(&c.Listen.HTTPS, DefaultHTTPS)
	c.TLS.defaults()
	c.Lifecycle.defaults()
	c.Security.defaults()
	c.throttlingDefaults()
	c.analyticsDefaults()
	c.accessLogDefaults()
	c.CORS.defaults(true)
	c.ExtensionHandlerPosition = strings.ToLower(strings.TrimSpace(c.ExtensionHandlerPosition))
	setStr(&c.ExtensionHandlerPosition, PositionBottom)
	c.Limits.defaults()
	setDur(&c.Timeouts.HeaderRead, DefaultHeaderReadTimeout)
	setDur(&c.Timeouts.Read, DefaultReadTimeout)
	setDur(&c.Timeouts.Write, DefaultWriteTimeout)
	setDur(&c.Timeouts.Idle, DefaultIdleTimeout)
	setDur(&c.Timeouts.Backend, DefaultBackendTimeout)
	setDur(&c.Timeouts.Aggregate, DefaultAggregateTimeout)
	c.Log.Level = strings.ToLower(c.Log.Level)
	c.Log.Format = strings.ToLower(c.Log.Format)
	setStr(&c.Log.Level, "info")
	setStr(&c.Log.Format, "json")
	if c.Log.FlushInterval <= 0 {
		c.Log.FlushInterval = Duration(200 * time.Millisecond)
	}
	if c.Usage.Events == nil {
		t := true
		c.Usage.Events = &t
	}
	for i := range c.Applications {
		a := &c.Applications[i]
		setStr(&a.Tenant, SuperTenantDomain)
		setStr(&a.ID, a.Name)
		setStr(&a.ConsumerKey, a.ID)
		a.KeyType = strings.ToUpper(strings.TrimSpace(a.KeyType))
		setStr(&a.KeyType, KeyTypeProduction)
	}
	for i := range c.APIs {
		c.APIs[i].defaults()
	}
}

// defaults fills an API: tenant, auth, one catch-all resource when none is
// listed, upper-case methods, no trailing "/" on the context.
func (a *API) defaults() {
	setStr(&a.Tenant, SuperTenantDomain)
	if a.CORS != nil {
		a.CORS.defaults(false)
	}
	a.Auth = normAuth(a.Auth)
	setStr(&a.Auth, AuthAPIKey)
	if len(a.Context) > 1 {
		a.Context = strings.TrimRight(a.Context, "/")
	}
	if len(a.Resources) == 0 {
		a.Resources = []Resource{{}}
	}
	for i := range a.Resources {
		r := &a.Resources[i]
		setStr(&r.URITemplate, DefaultURITemplate)
		r.Auth = normAuth(r.Auth)
		for j, m := range r.Methods {
			r.Methods[j] = strings.ToUpper(strings.TrimSpace(m))
		}
	}
}

// AuthRequired reports whether a resource of api needs a credential: the
// resource's own auth wins, else the API's.
func (r *Resource) AuthRequired(api *API) bool { return r.AuthMethods(api) != 0 }

// AuthMethods is the set of methods the resource accepts: the resource's
// own auth wins, else the API's. A value Validate refused counts as none
// of the methods it could not parse.
func (r *Resource) AuthMethods(api *API) AuthSet {
	s := r.Auth
	if s == "" {
		s = api.Auth
	}
	set, _ := ParseAuth(s)
	return set
}

func setStr(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

func setDur(p *Duration, v Duration) {
	if *p == 0 {
		*p = v
	}
}
