package authn

import (
	"sync"
	"testing"

	"github.com/seqgate/seqgate/handlers/authn/authntest"
)

type (
	testKey    = authntest.Key
	jwksServer = authntest.JWKS
)

var (
	rsaOnce sync.Once
	rsaKey  testKey
)

// newRSA makes an RS256 key; "rsa-1" is made once per test binary (2048-bit
// generation is slow and many tests share it).
func newRSA(t testing.TB, kid string) testKey {
	t.Helper()
	if kid == "rsa-1" {
		rsaOnce.Do(func() { rsaKey = authntest.NewRSA(t, kid) })
		return rsaKey
	}
	return authntest.NewRSA(t, kid)
}

func newEC(t testing.TB, kid string) testKey { t.Helper(); return authntest.NewEC(t, kid) }

func newJWKSServer(t testing.TB, keys ...testKey) *jwksServer {
	t.Helper()
	return authntest.NewJWKS(t, keys...)
}
