package authn

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
	"golang.org/x/time/rate"

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
	url     string
	refresh time.Duration
}

type jwksSet struct {
	kf     keyfunc.Keyfunc
	cancel context.CancelFunc
}

type introKey struct {
	cfg    config.Introspection
	secret string
}

// JWKS fetch limits: a fetch may take jwksTimeout; a token with an
// unknown kid triggers at most one re-fetch per unknownKIDEvery (rotation
// works, a flood of made-up kids does not hammer the IdP), and a request
// waits at most unknownKIDWait for that allowance.
const (
	jwksTimeout     = 5 * time.Second
	unknownKIDEvery = 10 * time.Second
	unknownKIDWait  = 100 * time.Millisecond
)

// NewRegistry makes an empty registry; refresh failures go to log.
func NewRegistry(log *zap.Logger) *Registry {
	if log == nil {
		log = zap.NewNop()
	}
	return &Registry{log: log, jwks: map[jwksKey]*jwksSet{}, intro: map[introKey]*Introspector{}}
}

// keyfunc returns the key lookup of the JWKS at url, starting its fetcher
// (first fetch now, then every refresh) unless one runs already. A first
// fetch that fails is logged, not fatal: the IdP may come up later.
func (r *Registry) keyfunc(url string, refresh time.Duration) (jwt.Keyfunc, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, fmt.Errorf("jwks %s: registry closed", url)
	}
	k := jwksKey{url, refresh}
	if s := r.jwks[k]; s != nil {
		return s.kf.Keyfunc, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{url}, keyfunc.Override{
		Client:            &http.Client{Timeout: jwksTimeout},
		HTTPTimeout:       jwksTimeout,
		RefreshInterval:   refresh,
		RateLimitWaitMax:  unknownKIDWait,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(unknownKIDEvery), 1),
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(_ context.Context, err error) {
				r.log.Warn("jwks fetch failed", zap.String("url", u), zap.Error(err))
			}
		},
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("jwks %s: %w", url, err)
	}
	r.jwks[k] = &jwksSet{kf: kf, cancel: cancel}
	return kf.Keyfunc, nil
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
		for _, is := range s.JWT.Issuers {
			keepJ[jwksKey{is.JWKSURL, is.JWKSRefresh.D()}] = true
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
