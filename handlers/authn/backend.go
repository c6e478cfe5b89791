package authn

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seqgate/seqgate/deploy/config"
)

// BackendSigner makes the JWT the gateway sends its backends about the
// caller (WSO2's X-JWT-Assertion), signed with the gateway's key: ES256
// for an EC key (the generated one is P-256), RS256 for an RSA key. A
// signed value is reused per caller and API until a quarter of its TTL
// before it expires, so steady traffic pays a map lookup, not a signature.
type BackendSigner struct {
	header string
	issuer string
	ttl    time.Duration
	method jwt.SigningMethod
	key    crypto.Signer
	now    func() time.Time

	mu    sync.RWMutex
	cache map[BackendCaller]signed
}

// BackendCaller is what the backend JWT says: the caller and the API.
// Every field is a string that already exists (config, cached identity),
// so using it as a map key allocates nothing.
type BackendCaller struct {
	User, ConsumerKey, AppName, AppID, Tier, KeyType string
	API, Version, Context                            string
}

type signed struct {
	token   string
	refresh time.Time
}

// backendCacheSize bounds the cached tokens; past it the cache starts over.
const backendCacheSize = 10000

// WSO2 claim names of the backend JWT.
const wso2Claims = "http://wso2.org/claims/"

// NewBackendSigner reads key_file (relative to dir) or, when empty, uses
// the registry's key generated at start.
func NewBackendSigner(cfg *config.BackendJWT, dir string, reg *Registry) (*BackendSigner, error) {
	var key crypto.Signer
	var err error
	if cfg.KeyFile != "" {
		if key, err = LoadPrivateKey(resolve(dir, cfg.KeyFile)); err != nil {
			return nil, fmt.Errorf("security.backend_jwt.key_file: %w", err)
		}
	} else if key, err = reg.generatedKey(); err != nil {
		return nil, fmt.Errorf("security.backend_jwt: %w", err)
	}
	s := &BackendSigner{header: cfg.Header, issuer: cfg.Issuer, ttl: cfg.TTL.D(), key: key,
		now: time.Now, cache: map[BackendCaller]signed{}}
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		s.method = map[int]jwt.SigningMethod{256: jwt.SigningMethodES256, 384: jwt.SigningMethodES384,
			521: jwt.SigningMethodES512}[k.Curve.Params().BitSize]
	case *rsa.PrivateKey:
		s.method = jwt.SigningMethodRS256
	}
	if s.method == nil {
		return nil, fmt.Errorf("security.backend_jwt: unsupported key %T", key)
	}
	return s, nil
}

// Header is the header the token goes in.
func (s *BackendSigner) Header() string { return s.header }

// PublicKey is the key a backend verifies the token with.
func (s *BackendSigner) PublicKey() crypto.PublicKey { return s.key.Public() }

// Token returns a signed JWT describing c, from the cache when one is
// still fresh.
func (s *BackendSigner) Token(c BackendCaller) (string, error) {
	now := s.now()
	s.mu.RLock()
	t, ok := s.cache[c]
	s.mu.RUnlock()
	if ok && now.Before(t.refresh) {
		return t.token, nil
	}
	exp := now.Add(s.ttl)
	tok, err := jwt.NewWithClaims(s.method, jwt.MapClaims{
		"iss": s.issuer, "iat": now.Unix(), "exp": exp.Unix(),
		wso2Claims + "subscriber": c.User, wso2Claims + "enduser": c.User,
		wso2Claims + "applicationname": c.AppName, wso2Claims + "applicationid": c.AppID,
		wso2Claims + "consumerkey": c.ConsumerKey, wso2Claims + "tier": c.Tier,
		wso2Claims + "apiname": c.API, wso2Claims + "apicontext": c.Context, wso2Claims + "version": c.Version,
		wso2Claims + "keytype": c.KeyType,
	}).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("backend jwt: %w", err)
	}
	s.mu.Lock()
	if len(s.cache) >= backendCacheSize {
		clear(s.cache)
	}
	s.cache[c] = signed{token: tok, refresh: exp.Add(-s.ttl / 4)}
	s.mu.Unlock()
	return tok, nil
}
