// Package authntest gives tests what an identity provider has: signing
// keys (RSA and EC), tokens signed with them, their public keys as PEM
// files, and a JWKS endpoint on 127.0.0.1 whose key set a test can rotate.
// The authn package's tests and the gateway's end-to-end auth tests use
// the same helpers.
package authntest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Key is a signing key with its kid and algorithm.
type Key struct {
	Kid  string
	Alg  jwt.SigningMethod
	Priv crypto.Signer
}

// NewRSA makes a 2048-bit RSA key for RS256.
func NewRSA(t testing.TB, kid string) Key {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return Key{kid, jwt.SigningMethodRS256, k}
}

// NewEC makes a P-256 key for ES256.
func NewEC(t testing.TB, kid string) Key {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Key{kid, jwt.SigningMethodES256, k}
}

// Sign makes a token with claims (as given: no exp is added), kid in its
// header.
func (k Key) Sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.Alg, claims)
	if k.Kid != "" {
		tok.Header["kid"] = k.Kid // Key{Kid: ""} signs tokens without a kid
	}
	s, err := tok.SignedString(k.Priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// JWK is the public JWK of k.
func (k Key) JWK() map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	switch p := k.Priv.Public().(type) {
	case *rsa.PublicKey:
		return map[string]string{"kty": "RSA", "kid": k.Kid, "use": "sig", "alg": "RS256",
			"n": b64(p.N.Bytes()), "e": b64(big.NewInt(int64(p.E)).Bytes())}
	case *ecdsa.PublicKey:
		ecdh, _ := p.ECDH()
		raw := ecdh.Bytes() // 0x04 || X || Y
		return map[string]string{"kty": "EC", "kid": k.Kid, "use": "sig", "alg": "ES256", "crv": "P-256",
			"x": b64(raw[1:33]), "y": b64(raw[33:])}
	}
	return nil
}

// WritePublicPEM writes k's public key (or a self-signed certificate of
// it) as dir/<kid>.pem and returns the path.
func (k Key) WritePublicPEM(t testing.TB, dir string, cert bool) string {
	t.Helper()
	blk := &pem.Block{Type: "PUBLIC KEY"}
	if cert {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Priv.Public(), k.Priv)
		if err != nil {
			t.Fatal(err)
		}
		blk = &pem.Block{Type: "CERTIFICATE", Bytes: der}
	} else {
		der, err := x509.MarshalPKIXPublicKey(k.Priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		blk.Bytes = der
	}
	return writePEM(t, filepath.Join(dir, k.Kid+".pem"), blk)
}

// WritePrivatePEM writes k as PKCS#8 PEM to dir/<kid>.key.pem.
func (k Key) WritePrivatePEM(t testing.TB, dir string) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k.Priv)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, filepath.Join(dir, k.Kid+".key.pem"), &pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func writePEM(t testing.TB, path string, blk *pem.Block) string {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// JWKS serves a JWK set on 127.0.0.1 that a test can change (Publish),
// and counts the fetches; SetDelay makes it a slow identity provider.
type JWKS struct {
	*httptest.Server
	keys    atomic.Pointer[[]Key]
	delay   atomic.Int64
	Fetches atomic.Int64
}

// SetDelay makes every later answer wait d.
func (s *JWKS) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// NewJWKS starts the endpoint with keys; it stops when t ends.
func NewJWKS(t testing.TB, keys ...Key) *JWKS {
	t.Helper()
	s := &JWKS{}
	s.Publish(keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.Fetches.Add(1)
		time.Sleep(time.Duration(s.delay.Load()))
		set := []map[string]string{}
		for _, k := range *s.keys.Load() {
			set = append(set, k.JWK())
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": set})
	}))
	t.Cleanup(s.Close)
	return s
}

// Publish replaces the key set the endpoint serves (a key rotation).
func (s *JWKS) Publish(keys ...Key) { s.keys.Store(&keys) }

// Introspection is an OAuth2 introspection endpoint (RFC 7662) on
// 127.0.0.1: it answers the claims Set for a token, {"active": false} for
// any other, after the delay of SetDelay, and counts the calls.
type Introspection struct {
	*httptest.Server
	Calls   atomic.Int64
	delay   atomic.Int64
	mu      sync.Mutex
	answers map[string]map[string]any
}

// NewIntrospection starts the endpoint; it stops when t ends.
func NewIntrospection(t testing.TB) *Introspection {
	t.Helper()
	s := &Introspection{answers: map[string]map[string]any{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Calls.Add(1)
		time.Sleep(time.Duration(s.delay.Load()))
		s.mu.Lock()
		ans, ok := s.answers[r.PostFormValue("token")]
		s.mu.Unlock()
		if !ok {
			ans = map[string]any{"active": false}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ans)
	}))
	t.Cleanup(s.Close)
	return s
}

// Set makes the endpoint answer claims for token.
func (s *Introspection) Set(token string, claims map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[token] = claims
}

// SetDelay makes every later answer wait d.
func (s *Introspection) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }
