package config

import (
	"fmt"
	"strings"
)

// CORS is API-M's [apim.cors] (the global cors: section) and its per-API
// corsConfiguration (apis[].cors): which browser origins may call an API,
// and what the gateway answers to their preflights. In an API's cors
// section an unset key takes the global value; a set one wins.
//
//	seqgate            API-M [apim.cors]   API-M per-API corsConfiguration
//	enable             enable              corsConfigurationEnabled
//	allow_origins      allow_origins       accessControlAllowOrigins
//	allow_methods      allow_methods       accessControlAllowMethods
//	allow_headers      allow_headers       accessControlAllowHeaders
//	allow_credentials  allow_credentials   accessControlAllowCredentials
//	expose_headers     expose_headers      (none)
//	max_age            (none)              (none)
type CORS struct {
	// Enable turns the CORS handler on (global default false: a config
	// without a cors section serves exactly as before).
	Enable *bool `yaml:"enable"`
	// AllowOrigins are exact origins (https://app.example.com), patterns
	// with * (https://*.example.com, http://localhost:*) or "*" (any
	// origin). Default ["*"], as API-M.
	AllowOrigins []string `yaml:"allow_origins"`
	// AllowMethods bounds Access-Control-Allow-Methods on a preflight (the
	// resource's own methods that are in this list). Default API-M's
	// GET, PUT, POST, DELETE, PATCH, OPTIONS.
	AllowMethods []string `yaml:"allow_methods"`
	// AllowHeaders is Access-Control-Allow-Headers on a preflight; "*"
	// echoes the preflight's Access-Control-Request-Headers. Default
	// API-M's authorization, Access-Control-Allow-Origin, Content-Type,
	// SOAPAction, apikey, Internal-Key.
	AllowHeaders []string `yaml:"allow_headers"`
	// AllowCredentials sends Access-Control-Allow-Credentials: true with an
	// allowed origin, but never with "*" (API-M does the same: a "*" list
	// answers "*" and no credentials header; browsers refuse the two
	// together). Default false.
	AllowCredentials *bool `yaml:"allow_credentials"`
	// ExposeHeaders is Access-Control-Expose-Headers (response headers a
	// page may read). Default none.
	ExposeHeaders []string `yaml:"expose_headers"`
	// MaxAge is Access-Control-Max-Age in seconds on a preflight; 0 (the
	// default) sends none, leaving the browser's own default (5s).
	MaxAge *int `yaml:"max_age"`
}

// Default CORS values, API-M's ([apim.cors] in its default deployment.toml).
var (
	DefaultCORSAllowOrigins = []string{"*"}
	DefaultCORSAllowMethods = []string{"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"}
	DefaultCORSAllowHeaders = []string{"authorization", "Access-Control-Allow-Origin", "Content-Type", "SOAPAction", "apikey", "Internal-Key"}
)

// Enabled reports whether enable is set to true.
func (c CORS) Enabled() bool { return c.Enable != nil && *c.Enable }

// Credentials reports whether allow_credentials is set to true.
func (c CORS) Credentials() bool { return c.AllowCredentials != nil && *c.AllowCredentials }

// defaults fills the global section; an API's section keeps its unset keys
// so that they follow the global ones (EffectiveCORS).
func (c *CORS) defaults(global bool) {
	if global {
		if c.Enable == nil {
			f := false
			c.Enable = &f
		}
		if c.AllowOrigins == nil {
			c.AllowOrigins = append([]string(nil), DefaultCORSAllowOrigins...)
		}
		if c.AllowMethods == nil {
			c.AllowMethods = append([]string(nil), DefaultCORSAllowMethods...)
		}
		if c.AllowHeaders == nil {
			c.AllowHeaders = append([]string(nil), DefaultCORSAllowHeaders...)
		}
		if c.AllowCredentials == nil {
			f := false
			c.AllowCredentials = &f
		}
		if c.MaxAge == nil {
			z := 0
			c.MaxAge = &z
		}
	}
	for i, m := range c.AllowMethods {
		c.AllowMethods[i] = strings.ToUpper(strings.TrimSpace(m))
	}
	for i, o := range c.AllowOrigins {
		c.AllowOrigins[i] = strings.TrimSpace(o)
	}
}

// EffectiveCORS is what applies to api: its own cors keys where set, the
// global ones elsewhere. It expects defaults to have been applied.
func (c *Config) EffectiveCORS(api *API) CORS {
	e := c.CORS
	if api == nil || api.CORS == nil {
		return e
	}
	o := api.CORS
	if o.Enable != nil {
		e.Enable = o.Enable
	}
	if o.AllowOrigins != nil {
		e.AllowOrigins = o.AllowOrigins
	}
	if o.AllowMethods != nil {
		e.AllowMethods = o.AllowMethods
	}
	if o.AllowHeaders != nil {
		e.AllowHeaders = o.AllowHeaders
	}
	if o.AllowCredentials != nil {
		e.AllowCredentials = o.AllowCredentials
	}
	if o.ExposeHeaders != nil {
		e.ExposeHeaders = o.ExposeHeaders
	}
	if o.MaxAge != nil {
		e.MaxAge = o.MaxAge
	}
	return e
}

// CORSAnywhere reports whether CORS is on for at least one API (the global
// switch or an API's own): the gateway only adds the handler then.
func (c *Config) CORSAnywhere() bool {
	if c.CORS.Enabled() {
		return true
	}
	for i := range c.APIs {
		if c.APIs[i].CORS != nil && c.APIs[i].CORS.Enabled() {
			return true
		}
	}
	return false
}

// validateCORS checks the global section and every API's.
func (c *Config) validateCORS(p *problems) {
	c.CORS.validate(p, "cors")
	for i := range c.APIs {
		if a := &c.APIs[i]; a.CORS != nil {
			a.CORS.validate(p, fmt.Sprintf("apis[%d] (%s): cors", i, a.SynapseName()))
		}
	}
}

func (c *CORS) validate(p *problems, at string) {
	for i, o := range c.AllowOrigins {
		if msg := badOrigin(o); msg != "" {
			p.add("%s.allow_origins[%d]: %q %s", at, i, o, msg)
		}
	}
	if c.AllowOrigins != nil && len(c.AllowOrigins) == 0 {
		p.add("%s.allow_origins: empty list (no origin could ever be allowed); leave it out for the default [\"*\"]", at)
	}
	for i, m := range c.AllowMethods {
		if !isToken(m) {
			p.add("%s.allow_methods[%d]: %q is not an HTTP method", at, i, m)
		}
	}
	for i, h := range c.AllowHeaders {
		if h != "*" && !isToken(h) {
			p.add("%s.allow_headers[%d]: %q is not a header name (or \"*\")", at, i, h)
		}
	}
	for i, h := range c.ExposeHeaders {
		if !isToken(h) {
			p.add("%s.expose_headers[%d]: %q is not a header name", at, i, h)
		}
	}
	if c.MaxAge != nil && *c.MaxAge < 0 {
		p.add("%s.max_age: %d must be 0 (not sent) or more seconds", at, *c.MaxAge)
	}
}

// badOrigin says what is wrong with an allow_origins entry, or "". An
// origin is scheme://host[:port], nothing after it; * stands for any run of
// characters but "/".
func badOrigin(o string) string {
	if o == "*" {
		return ""
	}
	scheme, rest, ok := strings.Cut(o, "://")
	switch {
	case !ok || (scheme != "http" && scheme != "https" && scheme != "*"):
		return "is not an origin: write scheme://host[:port] (http or https), or \"*\""
	case rest == "":
		return "has no host"
	case strings.ContainsAny(rest, "/?#@ ,\t"):
		return "is not an origin: only scheme://host[:port], no path, query, user or list (one origin per entry)"
	}
	return ""
}

// isToken reports whether s is an HTTP token (RFC 9110): method and header
// names.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
