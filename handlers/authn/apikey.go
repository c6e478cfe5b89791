package authn

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seqgate/seqgate/deploy/config"
)

// SignedKeyVerifier verifies API keys issued as signed JWTs, the way WSO2
// API-M issues them: signed by the Developer Portal's key, with the claims
//
//	sub                         the subscriber (api.ut.userId)
//	application {id, name, tier, owner, uuid}
//	tierInfo    {<tier>: {...}} the tiers of the subscriptions
//	subscribedAPIs [{name, context, version, publisher, subscriptionTier,
//	                 subscriberTenantDomain}]
//	keytype     PRODUCTION or SANDBOX
//	iss, exp    checked when configured / present
//
// The API called must be in subscribedAPIs (the auth handler checks it).
type SignedKeyVerifier struct {
	parser   *jwt.Parser
	key      any
	leeway   time.Duration
	cacheTTL time.Duration
	cache    *Cache[*Identity]
	now      func() time.Time
}

// signedKeyClaims is the WSO2 API key payload.
type signedKeyClaims struct {
	jwt.RegisteredClaims
	Application struct {
		ID    any    `json:"id"`
		UUID  string `json:"uuid"`
		Name  string `json:"name"`
		Tier  string `json:"tier"`
		Owner string `json:"owner"`
	} `json:"application"`
	KeyType        string `json:"keytype"`
	SubscribedAPIs []struct {
		Name      string `json:"name"`
		Context   string `json:"context"`
		Version   string `json:"version"`
		Publisher string `json:"publisher"`
		Tier      string `json:"subscriptionTier"`
		Tenant    string `json:"subscriberTenantDomain"`
	} `json:"subscribedAPIs"`
}

// NewSignedKeyVerifier reads the public key of cfg (relative to dir);
// the JWT section gives the leeway and the cache bounds.
func NewSignedKeyVerifier(cfg *config.SignedAPIKeys, jc *config.JWT, dir string) (*SignedKeyVerifier, error) {
	key, err := LoadPublicKey(resolve(dir, cfg.PublicKeyFile))
	if err != nil {
		return nil, fmt.Errorf("security.api_keys.public_key_file: %w", err)
	}
	v := &SignedKeyVerifier{key: key, leeway: jc.Leeway.D(), cacheTTL: jc.CacheTTL.D(),
		cache: NewCache[*Identity](jc.CacheSize), now: time.Now}
	opts := []jwt.ParserOption{jwt.WithValidMethods(asymmetric), jwt.WithLeeway(v.leeway),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return v.now() })}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// Verify checks a key that looks like a JWT. ErrUnknownIssuer: it is not a
// JWT at all (so it is just an unknown plain key).
func (v *SignedKeyVerifier) Verify(raw []byte) (*Identity, error) {
	now := v.now()
	if id, ok := v.cache.Get(raw, now); ok {
		return id, nil
	}
	var c signedKeyClaims
	_, err := v.parser.ParseWithClaims(string(raw), &c, func(*jwt.Token) (any, error) { return v.key, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return nil, ErrUnknownIssuer
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, fmt.Errorf("%w: %w", ErrExpired, err)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	id := &Identity{Method: MethodAPIKey, Issuer: c.Issuer, User: c.Subject, AppName: c.Application.Name,
		AppID: asString(c.Application.ID), AppTier: c.Application.Tier, KeyType: c.KeyType,
		Subscriptions: make([]Subscription, 0, len(c.SubscribedAPIs))}
	if id.AppID == "" {
		id.AppID = c.Application.UUID
	}
	if c.ExpiresAt != nil {
		id.Expiry = c.ExpiresAt.Time
	}
	for _, s := range c.SubscribedAPIs {
		id.Subscriptions = append(id.Subscriptions, Subscription{Name: s.Name, Version: s.Version,
			Context: s.Context, Publisher: s.Publisher, Tier: s.Tier, Tenant: s.Tenant})
	}
	v.cache.Put(string(raw), id, cacheUntil(now, v.cacheTTL, id.Expiry, v.leeway))
	return id, nil
}

// APIRef is an API as a signed key's subscribedAPIs entry names it.
type APIRef struct {
	Tenant, Name, Version string
	Publisher             string // the API's provider
	// Context is the API's context with its tenant prefix (/t/abc.com/shop),
	// Prefix the same with the version (/t/abc.com/shop/1.0.0), the form
	// API-M writes in subscribedAPIs.
	Context, Prefix string
}

// SubscribedTo finds the subscription of a signed API key to api; ok is
// false when the key does not name it. Name and version must match; the
// tenant too, a missing subscriberTenantDomain meaning the super tenant
// (API-M's keys name the subscriber's tenant; one without it is the super
// tenant's, and must not open another tenant's API of the same name);
// publisher and context when the entry has them (API-M itself matches
// subscriptions on context and version, so a key for one provider's
// Orders does not open another provider's Orders).
func (id *Identity) SubscribedTo(api *APIRef) (Subscription, bool) {
	for _, s := range id.Subscriptions {
		tenant := s.Tenant
		if tenant == "" {
			tenant = config.SuperTenantDomain
		}
		switch {
		case s.Name != api.Name, s.Version != api.Version, tenant != api.Tenant:
		case s.Publisher != "" && s.Publisher != api.Publisher:
		case s.Context != "" && s.Context != api.Prefix && s.Context != api.Context:
		default:
			return s, true
		}
	}
	return Subscription{}, false
}
