package authn

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
)

// Registry keeps what must outlive one config generation: the JWKS
// fetchers (each with a refresh goroutine) and the introspection clients
// with their caches. A reload asks it for the same ones again by their
// config and gets them back; Retain stops those no config names any
// more, and Close stops everything. It belongs to the server.
type Registry struct {
	log *zap.Logger

	mu     sync.Mutex
	jwks   map[jwksKey]*jwksSet
	intro  map[introKey]*Introspector
	closed bool
	genKey crypto.Signer
}

type jwksKey struct {
	url                     string
	refresh, timeout, every time.Duration
}

type introKey struct {
	cfg    config.Introspection
	secret string
}

// NewRegistry makes an empty registry; refresh failures go to log.
func NewRegistry(log *zap.Logger) *Registry {
	if log == nil {
		log = zap.NewNop()
	}
	return &Registry{log: log, jwks: map[jwksKey]*jwksSet{}, intro: map[introKey]*Introspector{}}
}

// jwksKeyOf is the fetcher an issuer of jc uses.
func jwksKeyOf(jc *config.JWT, is *config.Issuer) jwksKey {
	return jwksKey{is.JWKSURL, is.JWKSRefresh.D(), jc.JWKSTimeout.D(), jc.JWKSRefetchInterval.D()}
}

// keyfunc returns the key lookup of the JWKS of k and its re-fetch (see
// jwksSet), starting the fetcher unless one runs already.
func (r *Registry) keyfunc(k jwksKey) (jwt.Keyfunc, func() bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, fmt.Errorf("jwks %s: registry closed", k.url)
	}
	if s := r.jwks[k]; s != nil {
		return s.keyfunc, s.refetch, nil
	}
	s, err := newJWKSSet(k.url, k.refresh, k.timeout, k.every, r.log)
	if err != nil {
		return nil, nil, fmt.Errorf("jwks %s: %w", k.url, err)
	}
	r.jwks[k] = s
	return s.keyfunc, s.refetch, nil
}

// Introspector returns the client for cfg (and the secret read from its
// file), made on first use and kept with its caches across reloads.
func (r *Registry) Introspector(cfg config.Introspection, secret string) *Introspector {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := introKey{cfg, secret}
	if in := r.intro[k]; in != nil {
		return in
	}
	in := newIntrospector(cfg, secret)
	r.intro[k] = in
	return in
}

// Retain stops the fetchers and drops the introspectors that none of the
// given security sections names. The wiring passes the new config and the
// one still serving, so a reload that fails later keeps the old ones.
func (r *Registry) Retain(secs ...*config.Security) {
	keepJ, keepI := map[jwksKey]bool{}, map[config.Introspection]bool{}
	for _, s := range secs {
		if s == nil {
			continue
		}
		for i := range s.JWT.Issuers {
			keepJ[jwksKeyOf(&s.JWT, &s.JWT.Issuers[i])] = true
		}
		keepI[s.Introspection] = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, s := range r.jwks {
		if !keepJ[k] {
			s.cancel()
			delete(r.jwks, k)
		}
	}
	for k := range r.intro {
		if !keepI[k.cfg] {
			delete(r.intro, k)
		}
	}
}

// Close stops every fetcher; later requests for one fail.
func (r *Registry) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for k, s := range r.jwks {
		s.cancel()
		delete(r.jwks, k)
	}
	clear(r.intro)
}

// Fetchers counts the running JWKS fetchers (tests check reloads do not
// add any).
func (r *Registry) Fetchers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.jwks)
}

// generatedKey is the P-256 key backend JWTs are signed with when no
// key_file is configured: made once, so a reload does not change it.
func (r *Registry) generatedKey() (crypto.Signer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.genKey != nil {
		return r.genKey, nil
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	if der, err := x509.MarshalPKIXPublicKey(k.Public()); err == nil {
		r.log.Info("backend jwt: signing with a key generated at start; backends verify with this public key",
			zap.String("public_key", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))))
	}
	r.genKey = k
	return k, nil
}
