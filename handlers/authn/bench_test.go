package authn

import (
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// benchVerifier is a static-key verifier for k and a token of it.
func benchVerifier(b *testing.B, k testKey) (*JWTVerifier, []byte) {
	b.Helper()
	cfg := parseConfig(b, fmt.Sprintf("  jwt: {issuers: [{issuer: %q, public_key_file: %q, audiences: [orders]}]}\n",
		issA, k.WritePublicPEM(b, b.TempDir(), false)))
	v, err := NewJWTVerifier(&cfg.Security.JWT, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	tok := k.Sign(b, jwt.MapClaims{"iss": issA, "sub": "alice", "aud": "orders", "azp": "ck-1", "scope": "read write",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()})
	return v, []byte(tok)
}

// BenchmarkJWTVerifyCold is a full check (parse, signature, claims) on
// every call, what a token costs the first time it is seen.
func BenchmarkJWTVerifyCold(b *testing.B) {
	for _, k := range []testKey{newRSA(b, "rsa-1"), newEC(b, "ec-1")} {
		b.Run(k.Alg.Alg(), func(b *testing.B) {
			v, tok := benchVerifier(b, k)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.verify(tok, super); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJWTVerifyCached is a repeated token: one cache lookup.
func BenchmarkJWTVerifyCached(b *testing.B) {
	v, tok := benchVerifier(b, newRSA(b, "rsa-1"))
	if _, err := v.Verify(tok, super); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok, super); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIntrospectCached is a repeated opaque token (no HTTP).
func BenchmarkIntrospectCached(b *testing.B) {
	srv := newIntrospectionServer(b, map[string]map[string]any{"t": {"active": true, "sub": "x"}})
	cfg := parseConfig(b, fmt.Sprintf("  introspection: {url: %q, client_id: gw}\n", srv.URL))
	in := NewRegistry(nil).Introspector(cfg.Security.Introspection, "s3cret")
	tok := []byte("t")
	if _, err := in.Introspect(tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := in.Introspect(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBasicCached is a repeated user and password: a SHA-256 and a
// cache lookup instead of bcrypt.
func BenchmarkBasicCached(b *testing.B) {
	cfg := parseConfig(b, fmt.Sprintf("  basic: {users: [{name: ann, password_hash: %q}]}\n", hash(b, "pw")))
	v := NewBasicVerifier(&cfg.Security.Basic)
	user, pw := []byte("ann"), []byte("pw")
	if _, err := v.Verify(super, user, pw); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(super, user, pw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBasicBcrypt is the uncached check at bcrypt's default cost.
func BenchmarkBasicBcrypt(b *testing.B) {
	h, _ := bcryptHash("pw")
	cfg := parseConfig(b, fmt.Sprintf("  basic: {users: [{name: ann, password_hash: %q}]}\n", h))
	v := NewBasicVerifier(&cfg.Security.Basic)
	b.ReportAllocs()
	for b.Loop() {
		v.cache = NewCache[*Identity](16)
		if _, err := v.Verify(super, []byte("ann"), []byte("pw")); err != nil {
			b.Fatal(err)
		}
	}
}
