package config

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Security configures the credentials the auth handler accepts besides the
// plain API keys of applications[].keys and client certificates (auth:
// mtls). An API or resource names the methods it accepts in auth (see
// API.Auth); this section says how each is verified.
type Security struct {
	JWT           JWT           `yaml:"jwt"`
	APIKeys       SignedAPIKeys `yaml:"api_keys"`
	Introspection Introspection `yaml:"introspection"`
	Basic         Basic         `yaml:"basic"`
	BackendJWT    BackendJWT    `yaml:"backend_jwt"`
}

// JWT verifies bearer tokens that are JWTs against trusted issuers.
type JWT struct {
	Issuers []Issuer `yaml:"issuers"`
	// Leeway is the clock skew allowed on exp, nbf and iat (default 30s).
	Leeway Duration `yaml:"leeway"`
	// A verified token's result (claims extracted) is kept under the raw
	// token for CacheTTL (default 5m), never past its exp; CacheSize bounds
	// the entries (default 10000). A repeated token then costs a map
	// lookup, not a signature check.
	CacheTTL  Duration `yaml:"cache_ttl"`
	CacheSize int      `yaml:"cache_size"`
	// JWKSTimeout bounds one JWKS fetch (default 5s). A token whose kid
	// the set lacks (or, without a kid, that no key verifies) fetches the
	// set again at most once per JWKSRefetchInterval (default 10s): it
	// joins a fetch in progress, never waits for the allowance.
	JWKSTimeout         Duration `yaml:"jwks_timeout"`
	JWKSRefetchInterval Duration `yaml:"jwks_refetch_interval"`
}

// Issuer is one trusted token issuer: the key comes from a JWKS URL
// (cached, refreshed, re-fetched for an unknown kid) or from a static PEM
// public key file.
type Issuer struct {
	Name          string   `yaml:"name"`      // label in logs and errors; default the issuer
	Issuer        string   `yaml:"issuer"`    // the iss claim, exact match (required)
	Audiences     []string `yaml:"audiences"` // aud must contain one of them; empty: not checked
	JWKSURL       string   `yaml:"jwks_url"`
	JWKSRefresh   Duration `yaml:"jwks_refresh"` // default 10m
	PublicKeyFile string   `yaml:"public_key_file"`
	// Tenant is the domain whose APIs accept this issuer's tokens (default
	// the super tenant).
	Tenant string   `yaml:"tenant"`
	Claims ClaimMap `yaml:"claims"`
}

// ClaimMap names the claims that fill api.ut.* (defaults in brackets):
// user [sub, then username], consumer_key [azp, then client_id], application name
// [application.name, then app_name], application id [application.id, then
// app_id], tier [tier], scopes [scope (space separated), then scp].
type ClaimMap struct {
	User        string `yaml:"user"`
	ConsumerKey string `yaml:"consumer_key"`
	AppName     string `yaml:"app_name"`
	AppID       string `yaml:"app_id"`
	Tier        string `yaml:"tier"`
	Scopes      string `yaml:"scopes"`
}

// SignedAPIKeys verifies API keys issued as signed JWTs, as WSO2 API-M
// issues them (claims application, tierInfo, subscribedAPIs, keytype).
type SignedAPIKeys struct {
	PublicKeyFile string `yaml:"public_key_file"` // PEM; empty: only the plain keys of applications
	Issuer        string `yaml:"issuer"`          // iss must match when set
}

// Introspection checks opaque bearer tokens with an OAuth2 token
// introspection endpoint (RFC 7662), caching both answers.
type Introspection struct {
	URL              string   `yaml:"url"` // empty: off
	ClientID         string   `yaml:"client_id"`
	ClientSecret     string   `yaml:"client_secret"`
	ClientSecretFile string   `yaml:"client_secret_file"`
	Timeout          Duration `yaml:"timeout"`            // default 5s
	CacheTTL         Duration `yaml:"cache_ttl"`          // active tokens, default 60s (never past exp)
	NegativeCacheTTL Duration `yaml:"negative_cache_ttl"` // inactive tokens, default 10s
	CacheSize        int      `yaml:"cache_size"`         // entries per cache, default 10000
	Tenant           string   `yaml:"tenant"`             // default the super tenant
	Claims           ClaimMap `yaml:"claims"`
	// MaxConcurrent bounds the calls to the endpoint in progress at once
	// (default 16); a token that would need one more is answered 503 with
	// Retry-After. Concurrent requests with the same token share one call.
	MaxConcurrent int `yaml:"max_concurrent"`
	// Audience, when set, must be in the answer's aud (a string or a
	// list); empty: not checked.
	Audience string `yaml:"audience"`
}

// Basic lists the users of resources that accept auth: basic.
type Basic struct {
	Users []BasicUser `yaml:"users"`
	// CacheTTL keeps a successful check (keyed by a SHA-256 of tenant,
	// user and password) so steady traffic does not pay bcrypt's ~50-100 ms
	// each time (default 60s; the cache is dropped on a config reload).
	CacheTTL Duration `yaml:"cache_ttl"`
	// MaxConcurrentChecks bounds the bcrypt compares running at once;
	// beyond it a check is answered 503 at once (0, the default: half the
	// cores, at least one).
	MaxConcurrentChecks int `yaml:"max_concurrent_checks"`
	// MaxFailuresPerClient failed checks per client address (IPv6: per
	// /64) in a FailureWindow; then the client gets 429 without hashing
	// until the window ends (default 20; 0 turns the limit off).
	// FailureWindow is also how long a failed user and password is
	// remembered, so repeating it costs no bcrypt (default 1m).
	MaxFailuresPerClient *int     `yaml:"max_failures_per_client"`
	FailureWindow        Duration `yaml:"failure_window"`
}

// DefaultMaxFailuresPerClient is security.basic.max_failures_per_client
// when unset.
const DefaultMaxFailuresPerClient = 20

// FailuresPerClient is max_failures_per_client with its default.
func (b *Basic) FailuresPerClient() int {
	if b.MaxFailuresPerClient == nil {
		return DefaultMaxFailuresPerClient
	}
	return *b.MaxFailuresPerClient
}

// BasicUser is one user; the password is stored as a bcrypt hash.
type BasicUser struct {
	Name         string   `yaml:"name"`
	PasswordHash string   `yaml:"password_hash"`
	Tenant       string   `yaml:"tenant"` // default the super tenant
	Scopes       []string `yaml:"scopes"`
}

// BackendJWT, when enabled, sends the backend a JWT describing the caller
// (WSO2's X-JWT-Assertion), signed with the gateway's key.
type BackendJWT struct {
	Enabled bool     `yaml:"enabled"`
	Header  string   `yaml:"header"`   // default X-JWT-Assertion
	KeyFile string   `yaml:"key_file"` // PEM private key (RSA: RS256, EC: ES256/384/512); empty: a P-256 key made at start (public half logged)
	Issuer  string   `yaml:"issuer"`   // default "seqgate"
	TTL     Duration `yaml:"ttl"`      // default 15m
}

// Auth methods an API or resource may list in auth (comma separated); the
// order of precedence when a request carries several credentials is
// mtls, oauth2, apikey, basic (see handlers/auth.go).
const (
	AuthOAuth2 = "oauth2"
	AuthBasic  = "basic"
)

// AuthSet is the set of methods a resource accepts, one bit each; zero is
// auth: none. The bit order is the order of precedence.
type AuthSet uint8

// The methods, in order of precedence.
const (
	AuthSetMTLS AuthSet = 1 << iota
	AuthSetOAuth2
	AuthSetAPIKey
	AuthSetBasic
)

// authNames maps each method name to its bit.
var authNames = map[string]AuthSet{
	AuthMTLS: AuthSetMTLS, AuthOAuth2: AuthSetOAuth2, AuthAPIKey: AuthSetAPIKey, AuthBasic: AuthSetBasic,
}

// Has reports whether every method of m is in s.
func (s AuthSet) Has(m AuthSet) bool { return s&m == m && m != 0 }

// ParseAuth parses a normalised auth value ("apikey,oauth2"): "none"
// only alone, each method at most once.
func ParseAuth(v string) (AuthSet, error) {
	if v == AuthNone {
		return 0, nil
	}
	var set AuthSet
	for _, name := range strings.Split(v, ",") {
		bit, ok := authNames[name]
		switch {
		case name == AuthNone:
			return 0, fmt.Errorf("none cannot be combined with other methods")
		case !ok:
			return 0, fmt.Errorf("%q is not one of none, apikey, oauth2, basic, mtls", name)
		case set&bit != 0:
			return 0, fmt.Errorf("%s listed twice", name)
		}
		set |= bit
	}
	return set, nil
}

// normAuth lower-cases an auth value and drops the spaces around its
// commas, so "OAuth2, apikey" reads "oauth2,apikey".
func normAuth(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if !strings.Contains(v, ",") {
		return v
	}
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ",")
}

// defaults fills the security section.
func (s *Security) defaults() {
	setDur(&s.JWT.Leeway, Duration(30e9))
	setDur(&s.JWT.CacheTTL, Duration(300e9))
	setInt(&s.JWT.CacheSize, 10000)
	setDur(&s.JWT.JWKSTimeout, Duration(5e9))
	setDur(&s.JWT.JWKSRefetchInterval, Duration(10e9))
	setDur(&s.Basic.CacheTTL, Duration(60e9))
	setDur(&s.Basic.FailureWindow, Duration(60e9))
	for i := range s.JWT.Issuers {
		is := &s.JWT.Issuers[i]
		setStr(&is.Name, is.Issuer)
		setStr(&is.Tenant, SuperTenantDomain)
		setDur(&is.JWKSRefresh, Duration(600e9))
	}
	in := &s.Introspection
	setDur(&in.Timeout, Duration(5e9))
	setDur(&in.CacheTTL, Duration(60e9))
	setDur(&in.NegativeCacheTTL, Duration(10e9))
	setInt(&in.CacheSize, 10000)
	setInt(&in.MaxConcurrent, 16)
	setStr(&in.Tenant, SuperTenantDomain)
	for i := range s.Basic.Users {
		setStr(&s.Basic.Users[i].Tenant, SuperTenantDomain)
	}
	b := &s.BackendJWT
	setStr(&b.Header, "X-JWT-Assertion")
	setStr(&b.Issuer, "seqgate")
	setDur(&b.TTL, Duration(900e9))
}

// validateSecurity checks the security section: every issuer has exactly
// one key source, URLs are http(s), tenants are declared, bcrypt hashes
// parse. Files are read when the auth handler is built, not here.
func (c *Config) validateSecurity(p *problems, domains map[string]bool) {
	s := &c.Security
	if s.JWT.Leeway < 0 {
		p.add("security.jwt.leeway: must not be negative")
	}
	positive(p, "security.jwt.cache_ttl", int64(s.JWT.CacheTTL))
	positive(p, "security.jwt.cache_size", int64(s.JWT.CacheSize))
	positive(p, "security.jwt.jwks_timeout", int64(s.JWT.JWKSTimeout))
	positive(p, "security.jwt.jwks_refetch_interval", int64(s.JWT.JWKSRefetchInterval))
	seen := map[string]int{}
	for i := range s.JWT.Issuers {
		is := &s.JWT.Issuers[i]
		at := fmt.Sprintf("security.jwt.issuers[%d] (%s)", i, is.Name)
		is.validate(p, at, domains)
		if j, dup := seen[is.Tenant+" "+is.Issuer]; dup && is.Issuer != "" {
			p.add("%s: issuer already declared by security.jwt.issuers[%d] for tenant %s", at, j, is.Tenant)
		}
		seen[is.Tenant+" "+is.Issuer] = i
	}
	s.Introspection.validate(p, domains)
	s.Basic.validate(p, domains)
	if b := &s.BackendJWT; b.Enabled {
		positive(p, "security.backend_jwt.ttl", int64(b.TTL))
		if strings.TrimSpace(b.Header) == "" {
			p.add("security.backend_jwt.header: empty header name")
		}
	}
	c.validateAuthSources(p)
}

func (is *Issuer) validate(p *problems, at string, domains map[string]bool) {
	if is.Issuer == "" {
		p.add("%s: issuer is required (the iss claim)", at)
	}
	switch {
	case is.JWKSURL == "" && is.PublicKeyFile == "":
		p.add("%s: one of jwks_url or public_key_file is required", at)
	case is.JWKSURL != "" && is.PublicKeyFile != "":
		p.add("%s: jwks_url and public_key_file are exclusive: choose one key source", at)
	case is.JWKSURL != "" && !httpURL(is.JWKSURL):
		p.add("%s: jwks_url %q is not an http(s) URL", at, is.JWKSURL)
	}
	positive(p, at+": jwks_refresh", int64(is.JWKSRefresh))
	if !domains[is.Tenant] {
		p.add("%s: tenant %q is not declared in tenants", at, is.Tenant)
	}
}

func (in *Introspection) validate(p *problems, domains map[string]bool) {
	if in.URL == "" {
		return
	}
	const at = "security.introspection"
	if !httpURL(in.URL) {
		p.add("%s.url: %q is not an http(s) URL", at, in.URL)
	}
	if in.ClientSecret != "" && in.ClientSecretFile != "" {
		p.add("%s: client_secret and client_secret_file are exclusive", at)
	}
	positive(p, at+".timeout", int64(in.Timeout))
	positive(p, at+".cache_ttl", int64(in.CacheTTL))
	positive(p, at+".negative_cache_ttl", int64(in.NegativeCacheTTL))
	positive(p, at+".cache_size", int64(in.CacheSize))
	positive(p, at+".max_concurrent", int64(in.MaxConcurrent))
	if !domains[in.Tenant] {
		p.add("%s: tenant %q is not declared in tenants", at, in.Tenant)
	}
}

func (b *Basic) validate(p *problems, domains map[string]bool) {
	positive(p, "security.basic.cache_ttl", int64(b.CacheTTL))
	positive(p, "security.basic.failure_window", int64(b.FailureWindow))
	if b.MaxConcurrentChecks < 0 {
		p.add("security.basic.max_concurrent_checks: must not be negative (0: half the cores)")
	}
	if b.FailuresPerClient() < 0 {
		p.add("security.basic.max_failures_per_client: must not be negative (0: no limit)")
	}
	names := map[string]int{}
	firstCost, firstUser := 0, "" // the cost every user must share
	for i, u := range b.Users {
		at := fmt.Sprintf("security.basic.users[%d] (%s)", i, u.Name)
		if u.Name == "" || strings.Contains(u.Name, ":") {
			p.add("%s: name is required and must not contain ':'", at)
		}
		if j, dup := names[u.Tenant+" "+u.Name]; dup {
			p.add("%s: name already used by security.basic.users[%d] in tenant %s", at, j, u.Tenant)
		}
		names[u.Tenant+" "+u.Name] = i
		cost, err := bcrypt.Cost([]byte(u.PasswordHash))
		switch {
		case err != nil:
			p.add("%s: password_hash is not a bcrypt hash: %w", at, err)
		case firstUser == "":
			firstCost, firstUser = cost, u.Name
		case cost != firstCost:
			// An unknown user is compared at one cost: with mixed costs the
			// response time tells which users exist.
			p.add("%s: bcrypt cost %d differs from cost %d of user %s: every user must have the same cost, "+
				"else the response time tells which users exist (re-hash the passwords at one cost)", at, cost, firstCost, firstUser)
		}
		if !domains[u.Tenant] {
			p.add("%s: tenant %q is not declared in tenants", at, u.Tenant)
		}
	}
}

// validateAuthSources refuses an API that accepts oauth2 or basic while
// nothing of its tenant could verify them: every such request would fail.
func (c *Config) validateAuthSources(p *problems) {
	oauth2, basic := map[string]bool{}, map[string]bool{}
	for _, is := range c.Security.JWT.Issuers {
		oauth2[is.Tenant] = true
	}
	if c.Security.Introspection.URL != "" {
		oauth2[c.Security.Introspection.Tenant] = true
	}
	for _, u := range c.Security.Basic.Users {
		basic[u.Tenant] = true
	}
	for i := range c.APIs {
		a := &c.APIs[i]
		for r := range a.Resources {
			set := a.Resources[r].AuthMethods(a)
			at := fmt.Sprintf("apis[%d] (%s): resources[%d]", i, a.SynapseName(), r)
			if set.Has(AuthSetOAuth2) && !oauth2[a.Tenant] {
				p.add("%s: auth oauth2 needs security.jwt.issuers or security.introspection for tenant %s", at, a.Tenant)
			}
			if set.Has(AuthSetBasic) && !basic[a.Tenant] {
				p.add("%s: auth basic needs security.basic.users of tenant %s", at, a.Tenant)
			}
		}
	}
}

func positive(p *problems, key string, v int64) {
	if v <= 0 {
		p.add("%s: must be positive", key)
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
