// Package authn verifies the credentials the auth handler accepts besides
// plain API keys and client certificates: JWT bearer tokens (JWKS or a
// static key), WSO2 signed API keys, opaque tokens through OAuth2
// introspection (RFC 7662) and HTTP basic users (bcrypt); it also signs
// the backend JWT. Every verifier caches its verified result, an
// immutable *Identity, so a repeated credential costs a map lookup and
// its strings are never rebuilt per request.
package authn

import (
	"errors"
	"strings"
	"time"
)

// Failures a verifier reports; the auth handler maps them to WSO2 codes.
// Details are wrapped with %w for the log, never sent to the client.
var (
	// ErrInvalid: a bad signature, claim or password (401 900901).
	ErrInvalid = errors.New("invalid credentials")
	// ErrExpired: the token's exp (plus the leeway) has passed (401 900903).
	ErrExpired = errors.New("access token expired")
	// ErrUnknownIssuer: not a JWT, or its iss is no configured issuer of any
	// tenant; the caller may try introspection next.
	ErrUnknownIssuer = errors.New("token issuer not configured")
	// ErrUnavailable: the introspection endpoint could not answer.
	ErrUnavailable = errors.New("token introspection unavailable")
	// ErrBusy: the bound on concurrent expensive checks (bcrypt,
	// introspection calls) is reached; the credential was not checked
	// (503 with Retry-After).
	ErrBusy = errors.New("too many credential checks in progress")
	// ErrTooManyFailures: the client used up its failed checks for the
	// current window (429 with Retry-After).
	ErrTooManyFailures = errors.New("too many failed credential checks from this client")
)

// RetryError is ErrBusy or ErrTooManyFailures with the time after which
// the client may try again (the Retry-After the auth handler sends).
type RetryError struct {
	Err   error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter is how long the client of a failed check should wait before
// trying again; 0 when err says nothing about it.
func RetryAfter(err error) time.Duration {
	var r *RetryError
	if errors.As(err, &r) {
		return r.After
	}
	return 0
}

// Method names an Identity carries (config.Auth* values).
const (
	MethodOAuth2 = "oauth2"
	MethodAPIKey = "apikey"
	MethodBasic  = "basic"
)

// Identity is a verified credential: who the caller is and what it may
// do. It is shared by every request that presents the same credential,
// so it is never modified once cached.
type Identity struct {
	Method      string
	Tenant      string // the domain whose APIs it opens
	Issuer      string // the iss claim (tokens, signed keys)
	User        string
	ConsumerKey string
	AppName     string
	AppID       string
	AppTier     string // application-level tier the credential names
	KeyType     string // PRODUCTION or SANDBOX (signed keys, tokens that say)
	Scopes      []string
	ScopeList   string // Scopes joined by spaces, for api.ut.scopes
	// Expiry is the exp claim; zero when the credential has none.
	Expiry time.Time
	// Subscriptions restrict a signed API key to the APIs it names; nil
	// for every other credential (they are checked against the config).
	Subscriptions []Subscription
}

// Subscription is one entry of a signed API key's subscribedAPIs.
type Subscription struct {
	Name, Version, Context, Publisher, Tier string
	Tenant                                  string // subscriberTenantDomain; "" when absent
}

// HasScope reports whether the identity carries one of want.
func (id *Identity) HasScope(want []string) bool {
	for _, w := range want {
		for _, s := range id.Scopes {
			if s == w {
				return true
			}
		}
	}
	return false
}

// setScopes fills Scopes and ScopeList from a space-separated list.
func (id *Identity) setScopes(list []string) {
	id.Scopes = list
	id.ScopeList = strings.Join(list, " ")
}

// cacheUntil is when a verified result stops being served from a cache:
// now+ttl, but never past the expiry (plus leeway) of the credential.
func cacheUntil(now time.Time, ttl time.Duration, exp time.Time, leeway time.Duration) time.Time {
	until := now.Add(ttl)
	if !exp.IsZero() && exp.Add(leeway).Before(until) {
		until = exp.Add(leeway)
	}
	return until
}
