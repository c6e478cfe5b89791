package authn

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
	"golang.org/x/time/rate"
)

// resolve makes a relative path relative to the config file's folder.
func resolve(dir, path string) string {
	if path == "" || filepath.IsAbs(path) || dir == "" {
		return path
	}
	return filepath.Join(dir, path)
}

// LoadPublicKey reads a PEM public key (PUBLIC KEY, RSA PUBLIC KEY) or
// certificate (WSO2 hands out the signing certificate) from path: RSA,
// ECDSA or Ed25519.
func LoadPublicKey(path string) (crypto.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, fmt.Errorf("%s: %w", path, errors.New("no PEM public key or certificate found"))
		}
		var key any
		switch blk.Type {
		case "PUBLIC KEY":
			key, err = x509.ParsePKIXPublicKey(blk.Bytes)
		case "RSA PUBLIC KEY":
			key, err = x509.ParsePKCS1PublicKey(blk.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(blk.Bytes); err == nil {
				key = cert.PublicKey
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, blk.Type, err)
		}
		switch key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
			return key, nil
		}
		return nil, fmt.Errorf("%s: unsupported key type %T", path, key)
	}
}

// LoadPrivateKey reads a PEM private key (PKCS#8, PKCS#1 or SEC 1): RSA
// or ECDSA, the kinds the backend JWT is signed with.
func LoadPrivateKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s: %w", path, errors.New("no PEM private key found"))
	}
	var key any
	switch blk.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(blk.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("%s: unsupported private key type %T (RSA or ECDSA)", path, key)
}

// jwksSet is the key set of one JWKS URL: fetched at start (a failure is
// logged, not fatal: the IdP may come up later), every refresh, and again
// when a token names a kid the set lacks (or, having no kid, matches no
// key). That re-fetch is rate-limited without waiting (a token finding
// the allowance used up is refused at once, it never queues) and shared:
// one fetch runs at a time under its own timeout, and every request that
// needs it waits for that one. So an IdP slower than any per-request
// budget still delivers a rotated key, and a flood of made-up kids costs
// the IdP one fetch per interval while each of those fetches also brings
// in a legitimately rotated key. A failed fetch keeps the last good keys.
type jwksSet struct {
	url     string
	client  *http.Client
	timeout time.Duration
	store   jwkset.Storage
	kf      keyfunc.Keyfunc
	limiter *rate.Limiter
	log     *zap.Logger
	ctx     context.Context
	cancel  context.CancelFunc

	mu       sync.Mutex
	fetching chan struct{} // closed when the fetch in progress ends; nil: none
}

// maxJWKSBody bounds a JWKS answer.
const maxJWKSBody = 1 << 20

// newJWKSSet fetches the set once (within timeout) and starts its refresh
// goroutine, stopped by cancel.
func newJWKSSet(url string, refresh, timeout, every time.Duration, log *zap.Logger) (*jwksSet, error) {
	ctx, cancel := context.WithCancel(context.Background())
	store := jwkset.NewMemoryStorage()
	kf, err := keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: store})
	if err != nil {
		cancel()
		return nil, err
	}
	s := &jwksSet{url: url, client: &http.Client{Timeout: timeout}, timeout: timeout, store: store, kf: kf,
		limiter: rate.NewLimiter(rate.Every(every), 1), log: log, ctx: ctx, cancel: cancel}
	s.fetchLogged()
	go func() {
		t := time.NewTicker(refresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.fetchLogged()
			}
		}
	}()
	return s, nil
}

// fetchLogged fetches under the set's timeout and logs a failure.
func (s *jwksSet) fetchLogged() {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	if err := s.fetch(ctx); err != nil && s.ctx.Err() == nil {
		s.log.Warn("jwks fetch failed", zap.String("url", s.url), zap.Error(err))
	}
}

// fetch replaces the stored keys with the URL's; on any failure the stored
// keys stay.
func (s *jwksSet) fetch(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answered %d", resp.StatusCode)
	}
	var set jwkset.JWKSMarshal
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJWKSBody)).Decode(&set); err != nil {
		return fmt.Errorf("decoding the key set: %w", err)
	}
	keys := make([]jwkset.JWK, 0, len(set.Keys))
	for _, m := range set.Keys {
		k, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{Private: true}, jwkset.JWKValidateOptions{})
		switch {
		case errors.Is(err, jwkset.ErrUnsupportedKey):
			continue // e.g. Ed448: ignored, the others still count
		case err != nil:
			return fmt.Errorf("key %q: %w", m.KID, err)
		}
		keys = append(keys, k)
	}
	return s.store.KeyReplaceAll(ctx, keys)
}

// refetch fetches the set again for a token it could not verify: it joins
// the fetch in progress, else starts one if the rate limit allows (without
// waiting for it), and waits for that fetch. false: no fetch happened.
func (s *jwksSet) refetch() bool {
	s.mu.Lock()
	c := s.fetching
	if c == nil {
		if !s.limiter.Allow() {
			s.mu.Unlock()
			return false
		}
		c = make(chan struct{})
		s.fetching = c
		go func() {
			s.fetchLogged()
			s.mu.Lock()
			s.fetching = nil
			s.mu.Unlock()
			close(c)
		}()
	}
	s.mu.Unlock()
	<-c
	return true
}

// keyfunc finds the token's key; an unknown kid triggers refetch.
func (s *jwksSet) keyfunc(t *jwt.Token) (any, error) {
	k, err := s.kf.Keyfunc(t)
	if err != nil && errors.Is(err, jwkset.ErrKeyNotFound) && s.refetch() {
		k, err = s.kf.Keyfunc(t)
	}
	return k, err
}
