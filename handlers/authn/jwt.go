package authn

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seqgate/seqgate/deploy/config"
)

// asymmetric are the algorithms a token may be signed with: public-key
// ones only, so a public key can never be used as an HMAC secret.
var asymmetric = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// JWTVerifier verifies bearer JWTs against the configured issuers.
// Verified results are cached under the raw token until min(exp+leeway,
// cache_ttl).
type JWTVerifier struct {
	issuers  map[issuerKey]*issuer
	known    map[string]bool // every configured iss, of any tenant
	parser   *jwt.Parser
	leeway   time.Duration
	cacheTTL time.Duration
	cache    *Cache[*Identity]
	now      func() time.Time
}

type issuerKey struct{ tenant, iss string }

type issuer struct {
	cfg       *config.Issuer
	key       jwt.Keyfunc
	validator *jwt.Validator
	claims    claimPaths
	// refetch fetches a JWKS issuer's keys again (rate-limited, shared);
	// nil for a static key. A token without a kid that no key verifies
	// calls it, as an unknown kid does inside key.
	refetch func() bool
}

// NewJWTVerifier builds the verifier of cfg; static keys are read from
// files (relative to dir), JWKS fetchers come from reg.
func NewJWTVerifier(cfg *config.JWT, dir string, reg *Registry) (*JWTVerifier, error) {
	v := &JWTVerifier{issuers: map[issuerKey]*issuer{}, known: map[string]bool{},
		parser: jwt.NewParser(jwt.WithValidMethods(asymmetric), jwt.WithoutClaimsValidation()),
		leeway: cfg.Leeway.D(), cacheTTL: cfg.CacheTTL.D(), cache: NewCache[*Identity](cfg.CacheSize), now: time.Now}
	for i := range cfg.Issuers {
		c := &cfg.Issuers[i]
		is, err := v.newIssuer(cfg, c, dir, reg)
		if err != nil {
			return nil, fmt.Errorf("security.jwt.issuers[%d] (%s): %w", i, c.Name, err)
		}
		v.issuers[issuerKey{c.Tenant, c.Issuer}] = is
		v.known[c.Issuer] = true
	}
	return v, nil
}

func (v *JWTVerifier) newIssuer(jc *config.JWT, c *config.Issuer, dir string, reg *Registry) (*issuer, error) {
	is := &issuer{cfg: c, claims: newClaimPaths(c.Claims)}
	opts := []jwt.ParserOption{jwt.WithIssuer(c.Issuer), jwt.WithLeeway(v.leeway), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return v.now() })}
	if len(c.Audiences) > 0 {
		opts = append(opts, jwt.WithAudience(c.Audiences...))
	}
	is.validator = jwt.NewValidator(opts...)
	if c.JWKSURL != "" {
		kf, refetch, err := reg.keyfunc(jwksKeyOf(jc, c))
		if err != nil {
			return nil, err
		}
		is.key, is.refetch = kf, refetch
		return is, nil
	}
	key, err := LoadPublicKey(resolve(dir, c.PublicKeyFile))
	if err != nil {
		return nil, fmt.Errorf("public_key_file: %w", err)
	}
	is.key = func(*jwt.Token) (any, error) { return key, nil }
	return is, nil
}

// Verify checks a bearer token for an API of tenant. ErrUnknownIssuer
// means the token is not a JWT of any configured issuer (the caller may
// introspect it); a JWT of another tenant's issuer is ErrInvalid.
func (v *JWTVerifier) Verify(raw []byte, tenant string) (*Identity, error) {
	now := v.now()
	if id, ok := v.cache.Get(raw, now); ok && id.Tenant == tenant {
		return id, nil // another tenant's entry: verified again below, and refused there
	}
	id, err := v.verify(raw, tenant)
	if err != nil {
		return nil, err
	}
	v.cache.Put(string(raw), id, cacheUntil(now, v.cacheTTL, id.Expiry, v.leeway))
	return id, nil
}

// verify is Verify without the cache: signature and claims.
func (v *JWTVerifier) verify(raw []byte, tenant string) (*Identity, error) {
	var is *issuer
	noKid := false
	keyOf := func(t *jwt.Token) (any, error) {
		iss, _ := t.Claims.GetIssuer()
		if is = v.issuers[issuerKey{tenant, iss}]; is == nil {
			if v.known[iss] {
				return nil, fmt.Errorf("%w: issuer %q is not one of tenant %s", ErrInvalid, iss, tenant)
			}
			return nil, ErrUnknownIssuer
		}
		_, hasKid := t.Header["kid"]
		noKid = !hasKid
		return is.key(t)
	}
	tok, err := v.parser.Parse(string(raw), keyOf)
	if err != nil && noKid && is != nil && is.refetch != nil && (errors.Is(err, jwt.ErrTokenSignatureInvalid) || errors.Is(err, jwt.ErrTokenUnverifiable)) && is.refetch() {
		tok, err = v.parser.Parse(string(raw), keyOf) // the keys may have rotated
	}
	switch {
	case errors.Is(err, ErrUnknownIssuer), errors.Is(err, jwt.ErrTokenMalformed):
		return nil, ErrUnknownIssuer
	case errors.Is(err, ErrInvalid):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	claims := tok.Claims.(jwt.MapClaims)
	if why := apiKeyClaims(claims); why != "" {
		return nil, fmt.Errorf("%w: a signed API key (%s) is not an OAuth2 token", ErrInvalid, why)
	}
	if err := is.validator.Validate(claims); err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, fmt.Errorf("%w: %w", ErrExpired, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	id := &Identity{Method: MethodOAuth2, Tenant: tenant, Issuer: is.cfg.Issuer}
	is.claims.fill(id, claims)
	if exp, _ := claims.GetExpirationTime(); exp != nil {
		id.Expiry = exp.Time
	}
	id.KeyType = asString(claims["keytype"])
	return id, nil
}

// apiKeyClaims says why claims are those of a WSO2 signed API key ("" if
// they are not): subscribedAPIs, or token_type apiKey (API-M 4.x). API-M
// signs API keys with the same key, and often the same iss, as its JWT
// access tokens, so a key would otherwise pass as a bearer token of the
// issuer and skip the subscribedAPIs check of the apikey method.
func apiKeyClaims(claims jwt.MapClaims) string {
	if _, ok := claims["subscribedAPIs"]; ok {
		return "subscribedAPIs claim"
	}
	if tt, _ := claims["token_type"].(string); strings.EqualFold(tt, "apiKey") {
		return "token_type " + tt
	}
	return ""
}
