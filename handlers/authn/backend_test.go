package authn

import (
	"crypto/ecdsa"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestBackendSigner: the token verifies with the signer's public key
// (generated P-256: ES256), carries the WSO2 claims, and is reused for the
// same caller until shortly before it expires.
func TestBackendSigner(t *testing.T) {
	cfg := parseConfig(t, "  backend_jwt: {enabled: true, ttl: 100s}\n")
	reg := NewRegistry(nil)
	s, err := NewBackendSigner(&cfg.Security.BackendJWT, "", reg)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.now = func() time.Time { return now }
	c := BackendCaller{User: "alice", AppName: "App1", AppID: "a1", Tier: "Gold", API: "Orders", Version: "v1", Context: "/orders"}
	tok, err := s.Token(c)
	if err != nil {
		t.Fatal(err)
	}
	var claims jwt.MapClaims
	if _, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return s.PublicKey(), nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithIssuer("seqgate")); err != nil {
		t.Fatalf("backend jwt does not verify: %v", err)
	}
	for k, v := range map[string]string{"enduser": "alice", "applicationname": "App1", "applicationid": "a1",
		"tier": "Gold", "apicontext": "/orders", "version": "v1", "subscriber": "alice"} {
		if claims[wso2Claims+k] != v {
			t.Errorf("%s = %v, want %s", k, claims[wso2Claims+k], v)
		}
	}
	if again, _ := s.Token(c); again != tok {
		t.Error("not reused within its lifetime")
	}
	now = now.Add(80 * time.Second) // within the last quarter of the TTL
	if again, _ := s.Token(c); again == tok {
		t.Error("reused too close to its expiry")
	}
	s2, _ := NewBackendSigner(&cfg.Security.BackendJWT, "", reg)
	if !s2.PublicKey().(*ecdsa.PublicKey).Equal(s.PublicKey()) {
		t.Error("a second generation generated another key")
	}
}
