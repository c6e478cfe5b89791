package config

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
// user [sub], consumer_key [azp, then client_id], application name
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
}

// Basic lists the users of resources that accept auth: basic.
type Basic struct {
	Users []BasicUser `yaml:"users"`
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
	KeyFile string   `yaml:"key_file"` // PEM private key (RSA or EC); empty: a key made at start (logged)
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

// defaults fills the security section.
func (s *Security) defaults() {
	setDur(&s.JWT.Leeway, Duration(30e9))
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
	setStr(&in.Tenant, SuperTenantDomain)
	for i := range s.Basic.Users {
		setStr(&s.Basic.Users[i].Tenant, SuperTenantDomain)
	}
	b := &s.BackendJWT
	setStr(&b.Header, "X-JWT-Assertion")
	setStr(&b.Issuer, "seqgate")
	setDur(&b.TTL, Duration(900e9))
}

// validateSecurity checks the security section.
func (c *Config) validateSecurity(p *problems, domains map[string]bool) {
	_ = p
	_ = domains
}
