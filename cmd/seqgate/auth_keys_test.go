package main

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seqgate/seqgate/handlers/authn/authntest"
)

// The test identity provider: signing keys and a JWKS endpoint on
// 127.0.0.1 whose key set a test can rotate (authntest).
type (
	idpKey = authntest.Key
	idp    = authntest.JWKS
)

func newIdPKey(t testing.TB, kid string, rsaKey bool) idpKey {
	t.Helper()
	if rsaKey {
		return authntest.NewRSA(t, kid)
	}
	return authntest.NewEC(t, kid)
}

func startIdP(t testing.TB, keys ...idpKey) *idp {
	t.Helper()
	return authntest.NewJWKS(t, keys...)
}

// signExp makes a token; exp defaults to an hour from now.
func signExp(t testing.TB, k idpKey, c jwt.MapClaims) string {
	t.Helper()
	if _, ok := c["exp"]; !ok {
		c["exp"] = time.Now().Add(time.Hour).Unix()
	}
	return k.Sign(t, c)
}
