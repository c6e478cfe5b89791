package authn

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

// testKey is a signing key with its kid and algorithm.
type testKey struct {
	kid  string
	alg  jwt.SigningMethod
	priv crypto.Signer
}

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
)

func newRSA(t testing.TB, kid string) testKey {
	t.Helper()
	keysOnce.Do(func() { rsaKey, _ = rsa.GenerateKey(rand.Reader, 2048) })
	if kid == "rsa-1" {
		return testKey{kid, jwt.SigningMethodRS256, rsaKey}
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid, jwt.SigningMethodRS256, k}
}

func newEC(t testing.TB, kid string) testKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid, jwt.SigningMethodES256, k}
}

// sign makes a token with claims, kid in its header.
func (k testKey) sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.alg, claims)
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// jwk is the public JWK of k.
func (k testKey) jwk() map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	switch p := k.priv.Public().(type) {
	case *rsa.PublicKey:
		return map[string]string{"kty": "RSA", "kid": k.kid, "use": "sig", "alg": "RS256",
			"n": b64(p.N.Bytes()), "e": b64(big.NewInt(int64(p.E)).Bytes())}
	case *ecdsa.PublicKey:
		ecdh, _ := p.ECDH()
		raw := ecdh.Bytes() // 0x04 || X || Y
		return map[string]string{"kty": "EC", "kid": k.kid, "use": "sig", "alg": "ES256", "crv": "P-256",
			"x": b64(raw[1:33]), "y": b64(raw[33:])}
	}
	return nil
}

// writePEM writes k's public key (or a self-signed certificate of it)
// into dir and returns the path.
func (k testKey) writePEM(t testing.TB, dir string, cert bool) string {
	t.Helper()
	blk := &pem.Block{Type: "PUBLIC KEY"}
	if cert {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.priv.Public(), k.priv)
		if err != nil {
			t.Fatal(err)
		}
		blk = &pem.Block{Type: "CERTIFICATE", Bytes: der}
	} else {
		der, err := x509.MarshalPKIXPublicKey(k.priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		blk.Bytes = der
	}
	path := filepath.Join(dir, k.kid+".pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// jwksServer serves a JWK set on 127.0.0.1 that a test can change, and
// counts the fetches.
type jwksServer struct {
	*httptest.Server
	keys    atomic.Pointer[[]testKey]
	fetches atomic.Int64
}

func newJWKSServer(t testing.TB, keys ...testKey) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.publish(keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		set := []map[string]string{}
		for _, k := range *s.keys.Load() {
			set = append(set, k.jwk())
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": set})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) publish(keys ...testKey) { s.keys.Store(&keys) }
