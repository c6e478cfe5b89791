package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// idpKey is one signing key of a test identity provider.
type idpKey struct {
	kid  string
	alg  jwt.SigningMethod
	priv crypto.Signer
}

func newIdPKey(t testing.TB, kid string, rsaKey bool) idpKey {
	t.Helper()
	if rsaKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return idpKey{kid, jwt.SigningMethodRS256, k}
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return idpKey{kid, jwt.SigningMethodES256, k}
}

// sign makes a token; exp defaults to an hour from now.
func (k idpKey) sign(t testing.TB, c jwt.MapClaims) string {
	t.Helper()
	if _, ok := c["exp"]; !ok {
		c["exp"] = time.Now().Add(time.Hour).Unix()
	}
	tok := jwt.NewWithClaims(k.alg, c)
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writePublic writes the public key as PEM under root and returns its path.
func (k idpKey) writePublic(t testing.TB, root string) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, k.kid+".pub.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writePrivate writes the private key as PKCS#8 PEM under root.
func (k idpKey) writePrivate(t testing.TB, root string) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, k.kid+".key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// idp is a JWKS endpoint on 127.0.0.1 whose key set a test can change.
type idp struct {
	*httptest.Server
	keys    atomic.Pointer[[]idpKey]
	fetches atomic.Int64
}

func startIdP(t testing.TB, keys ...idpKey) *idp {
	t.Helper()
	s := &idp{}
	s.publish(keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		var set jwkset.JWKSMarshal
		for _, k := range *s.keys.Load() {
			alg := jwkset.ALG(k.alg.Alg())
			j, err := jwkset.NewJWKFromKey(k.priv.Public(), jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: alg, USE: jwkset.UseSig}})
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			set.Keys = append(set.Keys, j.Marshal())
		}
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *idp) publish(keys ...idpKey) { s.keys.Store(&keys) }
