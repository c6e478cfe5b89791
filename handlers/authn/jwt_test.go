package authn

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seqgate/seqgate/deploy/config"
)

// parseConfig parses a config with the given security section (and the
// tenant abc.com declared).
func parseConfig(t testing.TB, security string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte("tenants: [{id: 1, domain: abc.com}]\nsecurity:\n" + security))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const (
	issA   = "https://idp.example/a"
	issABC = "https://idp.example/abc"
	super  = config.SuperTenantDomain
)

// TestJWTVerify: signature (RSA and EC from a JWKS, HS256 refused), iss,
// aud, exp/nbf/iat against the leeway at its boundaries, tenant isolation,
// and what is not a JWT of a configured issuer.
func TestJWTVerify(t *testing.T) {
	rsaK, ecK, stranger := newRSA(t, "rsa-1"), newEC(t, "ec-1"), newEC(t, "ec-1")
	srv := newJWKSServer(t, rsaK, ecK)
	cfg := parseConfig(t, fmt.Sprintf(`
  jwt:
    leeway: 30s
    issuers:
      - {issuer: %q, jwks_url: %q, audiences: [orders, stock]}
      - {issuer: %q, jwks_url: %q, tenant: abc.com}
`, issA, srv.URL, issABC, srv.URL))
	reg := NewRegistry(nil)
	defer reg.Close()
	v, err := NewJWTVerifier(&cfg.Security.JWT, "", reg)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Unix(1_800_000_000, 0)
	v.now = func() time.Time { return base }
	at := func(d time.Duration) int64 { return base.Add(d).Unix() }
	claims := func(kv ...any) jwt.MapClaims {
		c := jwt.MapClaims{"iss": issA, "sub": "alice", "aud": "orders", "exp": at(time.Hour), "azp": "ck-1",
			"scope": "read write"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(c, kv[i].(string))
			} else {
				c[kv[i].(string)] = kv[i+1]
			}
		}
		return c
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims())
	hs.Header["kid"] = "rsa-1"
	hsTok, _ := hs.SignedString([]byte("secret"))
	cases := []struct {
		name, token, tenant string
		want                error // nil: accepted
	}{
		{"rsa", rsaK.Sign(t, claims()), super, nil},
		{"ec", ecK.Sign(t, claims()), super, nil},
		{"aud list holds one of them", rsaK.Sign(t, claims("aud", []string{"x", "stock"})), super, nil},
		{"wrong aud", rsaK.Sign(t, claims("aud", "billing")), super, ErrInvalid},
		{"no aud when audiences are set", rsaK.Sign(t, claims("aud", nil)), super, ErrInvalid},
		{"exp just inside the leeway", rsaK.Sign(t, claims("exp", at(-29*time.Second))), super, nil},
		{"exp just past the leeway", rsaK.Sign(t, claims("exp", at(-31*time.Second))), super, ErrExpired},
		{"no exp", rsaK.Sign(t, claims("exp", nil)), super, ErrInvalid},
		{"nbf within the leeway", rsaK.Sign(t, claims("nbf", at(29*time.Second))), super, nil},
		{"nbf beyond the leeway", rsaK.Sign(t, claims("nbf", at(31*time.Second))), super, ErrInvalid},
		{"iat in the future", rsaK.Sign(t, claims("iat", at(time.Minute))), super, ErrInvalid},
		{"signed by another key with the same kid", stranger.Sign(t, claims()), super, ErrInvalid},
		{"hs256 with a public kid", hsTok, super, ErrInvalid},
		{"unknown issuer", rsaK.Sign(t, claims("iss", "https://other")), super, ErrUnknownIssuer},
		{"opaque token", "2YotnFZFEjr1zCsicMWpAA", super, ErrUnknownIssuer},
		{"issuer of another tenant", rsaK.Sign(t, claims("iss", issABC)), super, ErrInvalid},
		{"the tenant's own issuer", rsaK.Sign(t, claims("iss", issABC)), "abc.com", nil},
		{"super tenant issuer on abc.com", rsaK.Sign(t, claims()), "abc.com", ErrInvalid},
		{"tampered payload", tamper(rsaK.Sign(t, claims())), super, ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := v.Verify([]byte(tc.token), tc.tenant)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if id.User != "alice" || id.ConsumerKey != "ck-1" || id.ScopeList != "read write" || id.Tenant != tc.tenant {
				t.Errorf("identity %+v", id)
			}
		})
	}
}

// tamper changes the sub claim without re-signing.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload = []byte(strings.Replace(string(payload), `"alice"`, `"admin"`, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

// TestJWTCacheAndStaticKey: a static PEM key (bare key and certificate)
// verifies; a repeated token is served from the cache (same identity)
// but not past its exp, after which it is expired.
func TestJWTCacheAndStaticKey(t *testing.T) {
	dir := t.TempDir()
	for _, asCert := range []bool{false, true} {
		k := newEC(t, fmt.Sprintf("static-%v", asCert))
		cfg := parseConfig(t, fmt.Sprintf("  jwt: {leeway: 1s, issuers: [{issuer: %q, public_key_file: %q}]}\n", issA,
			k.WritePublicPEM(t, dir, asCert)))
		v, err := NewJWTVerifier(&cfg.Security.JWT, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		v.now = func() time.Time { return now }
		tok := []byte(k.Sign(t, jwt.MapClaims{"iss": issA, "sub": "bob", "exp": now.Add(10 * time.Second).Unix()}))
		a, err := v.Verify(tok, super)
		if err != nil {
			t.Fatalf("cert=%v: %v", asCert, err)
		}
		b, _ := v.Verify(tok, super)
		if a != b || v.cache.Len() != 1 {
			t.Errorf("cert=%v: second verify not served from the cache", asCert)
		}
		now = now.Add(12 * time.Second)
		if _, err := v.Verify(tok, super); !errors.Is(err, ErrExpired) {
			t.Errorf("cert=%v: after exp+leeway: %v, want expired", asCert, err)
		}
	}
}

// TestJWKSRotation: a token with a kid the fetcher has not seen makes it
// re-fetch the set (rate limited) and is accepted once the IdP publishes
// the key; a key the IdP removed is refused after the next refresh.
func TestJWKSRotation(t *testing.T) {
	k1, k2 := newRSA(t, "rsa-1"), newEC(t, "ec-2")
	srv := newJWKSServer(t, k1)
	cfg := parseConfig(t, fmt.Sprintf("  jwt: {issuers: [{issuer: %q, jwks_url: %q, jwks_refresh: 300ms}]}\n", issA, srv.URL))
	reg := NewRegistry(nil)
	defer reg.Close()
	v, err := NewJWTVerifier(&cfg.Security.JWT, "", reg)
	if err != nil {
		t.Fatal(err)
	}
	tok := func(k testKey) []byte {
		return []byte(k.Sign(t, jwt.MapClaims{"iss": issA, "sub": k.Kid, "exp": time.Now().Add(time.Hour).Unix(),
			"jti": time.Now().String()}))
	}
	if _, err := v.Verify(tok(k1), super); err != nil {
		t.Fatalf("k1: %v", err)
	}
	if _, err := v.Verify(tok(k2), super); !errors.Is(err, ErrInvalid) {
		t.Fatalf("k2 before it is published: %v", err)
	}
	srv.Publish(k1, k2)
	// the unknown-kid re-fetch is rate limited (one per 10s): the periodic
	// refresh picks the new key up at the latest
	eventually(t, "k2 accepted", func() bool { _, err := v.Verify(tok(k2), super); return err == nil })
	srv.Publish(k2)
	eventually(t, "k1 refused", func() bool { _, err := v.Verify(tok(k1), super); return errors.Is(err, ErrInvalid) })
	if _, err := v.Verify(tok(k2), super); err != nil {
		t.Errorf("k2 after rotation: %v", err)
	}
}

// TestJWKSUnknownKIDRefetch: without waiting for the periodic refresh, a
// token with a new kid makes the fetcher re-fetch at once.
func TestJWKSUnknownKIDRefetch(t *testing.T) {
	k1, k2 := newRSA(t, "rsa-1"), newEC(t, "ec-new")
	srv := newJWKSServer(t, k1)
	cfg := parseConfig(t, fmt.Sprintf("  jwt: {issuers: [{issuer: %q, jwks_url: %q, jwks_refresh: 1h}]}\n", issA, srv.URL))
	reg := NewRegistry(nil)
	defer reg.Close()
	v, err := NewJWTVerifier(&cfg.Security.JWT, "", reg)
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Fetches.Load()
	srv.Publish(k1, k2)
	tok := k2.Sign(t, jwt.MapClaims{"iss": issA, "sub": "x", "exp": time.Now().Add(time.Hour).Unix()})
	if _, err := v.Verify([]byte(tok), super); err != nil {
		t.Fatalf("new kid: %v", err)
	}
	if got := srv.Fetches.Load() - before; got != 1 {
		t.Errorf("fetches for the new kid = %d, want 1", got)
	}
}

// TestRegistryReuseAndRetain: two generations of one config share one
// fetcher; Retain without it stops it; Close stops the rest.
func TestRegistryReuseAndRetain(t *testing.T) {
	srv := newJWKSServer(t, newRSA(t, "rsa-1"))
	cfg := parseConfig(t, fmt.Sprintf("  jwt: {issuers: [{issuer: %q, jwks_url: %q}]}\n", issA, srv.URL))
	other := parseConfig(t, fmt.Sprintf("  jwt: {issuers: [{issuer: %q, jwks_url: %q}]}\n", issA, srv.URL+"/other"))
	reg := NewRegistry(nil)
	for range 3 {
		if _, err := NewJWTVerifier(&cfg.Security.JWT, "", reg); err != nil {
			t.Fatal(err)
		}
	}
	if n := reg.Fetchers(); n != 1 {
		t.Fatalf("fetchers after 3 generations = %d, want 1", n)
	}
	if _, err := NewJWTVerifier(&other.Security.JWT, "", reg); err != nil {
		t.Fatal(err)
	}
	reg.Retain(&other.Security, nil)
	if n := reg.Fetchers(); n != 1 {
		t.Errorf("fetchers after retain = %d, want 1", n)
	}
	reg.Close()
	if n := reg.Fetchers(); n != 0 {
		t.Errorf("fetchers after close = %d", n)
	}
	if _, err := NewJWTVerifier(&cfg.Security.JWT, "", reg); err == nil {
		t.Error("a closed registry made a fetcher")
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSignedAPIKeyNotOAuth2: a WSO2 signed API key verified by an issuer
// that shares its key and iss (API-M's default setup) is refused as an
// OAuth2 token, by its subscribedAPIs or its token_type apiKey.
func TestSignedAPIKeyNotOAuth2(t *testing.T) {
	k := newEC(t, "shared")
	cfg := parseConfig(t, fmt.Sprintf("  jwt: {issuers: [{issuer: %q, public_key_file: %q}]}\n", issA, k.WritePublicPEM(t, t.TempDir(), false)))
	v, err := NewJWTVerifier(&cfg.Security.JWT, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Unix()
	typed := k.Sign(t, jwt.MapClaims{"iss": issA, "sub": "x", "exp": exp, "token_type": "apiKey"})
	for name, tok := range map[string]string{"subscribedAPIs": wso2Key(t, k, issA, time.Now().Add(time.Hour)), "token_type": typed} {
		if _, err := v.Verify([]byte(tok), super); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := v.Verify([]byte(k.Sign(t, jwt.MapClaims{"iss": issA, "sub": "x", "exp": exp})), super); err != nil {
		t.Errorf("access token of the same issuer: %v", err)
	}
}

// TestJWKSRefetchShared: an identity provider slower than any request
// budget still delivers a rotated key (the re-fetch has its own timeout),
// concurrent tokens with unknown kids share one fetch, and a token without
// a kid that no known key verifies fetches the set again.
func TestJWKSRefetchShared(t *testing.T) {
	k1, k2, k3 := newEC(t, "k1"), newEC(t, "k2"), newEC(t, "k3")
	srv := newJWKSServer(t, k1)
	cfg := parseConfig(t, fmt.Sprintf("  jwt: {jwks_refetch_interval: 1ms, issuers: [{issuer: %q, jwks_url: %q, jwks_refresh: 1h}]}\n", issA, srv.URL))
	reg := NewRegistry(nil)
	defer reg.Close()
	v, err := NewJWTVerifier(&cfg.Security.JWT, "", reg)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetDelay(150 * time.Millisecond)
	srv.Publish(k1, k2)
	before := srv.Fetches.Load()
	tok := func(k testKey) []byte {
		return []byte(k.Sign(t, jwt.MapClaims{"iss": issA, "sub": "x", "exp": time.Now().Add(time.Hour).Unix()}))
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := v.Verify(tok(k2), super); err != nil {
				t.Errorf("rotated key behind a slow IdP: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := srv.Fetches.Load() - before; n < 1 || n > 2 {
		t.Errorf("16 concurrent tokens of a new kid made %d fetches, want 1 (2 if one arrived after the first ended)", n)
	}
	srv.SetDelay(0)
	srv.Publish(k1, k2, k3)
	if _, err := v.Verify(tok(testKey{Alg: k3.Alg, Priv: k3.Priv}), super); err != nil {
		t.Errorf("kid-less token of a new key: %v", err)
	}
}
