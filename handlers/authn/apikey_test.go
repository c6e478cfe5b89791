package authn

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// wso2Key is a signed API key shaped as API-M issues them.
func wso2Key(t testing.TB, k testKey, iss string, exp time.Time) string {
	t.Helper()
	c := jwt.MapClaims{
		"sub":         "admin@carbon.super",
		"application": map[string]any{"owner": "admin", "tier": "Unlimited", "name": "DefaultApplication", "id": 1, "uuid": "u-1"},
		"iss":         iss,
		"tierInfo":    map[string]any{"Gold": map[string]any{"tierQuotaType": "requestCount", "stopOnQuotaReach": true}},
		"keytype":     "PRODUCTION",
		"subscribedAPIs": []any{map[string]any{"subscriberTenantDomain": "carbon.super", "name": "Orders",
			"context": "/orders/v1", "publisher": "admin", "version": "v1", "subscriptionTier": "Gold"}},
		"iat": time.Now().Unix(),
		"jti": "j-" + exp.String(),
	}
	if !exp.IsZero() {
		c["exp"] = exp.Unix()
	}
	return k.Sign(t, c)
}

// TestSignedAPIKey: a WSO2-shaped key verifies with the configured
// public key and names its subscriptions; expiry, issuer and signature are
// checked; a key with no exp (API-M's "never expires") is accepted.
func TestSignedAPIKey(t *testing.T) {
	k, other := newRSA(t, "rsa-1"), newEC(t, "x")
	cfg := parseConfig(t, fmt.Sprintf("  api_keys: {public_key_file: %q, issuer: https://apim/devportal}\n", k.WritePublicPEM(t, t.TempDir(), true)))
	v, err := NewSignedKeyVerifier(&cfg.Security.APIKeys, &cfg.Security.JWT, "")
	if err != nil {
		t.Fatal(err)
	}
	const iss = "https://apim/devportal"
	hour := time.Now().Add(time.Hour)
	cases := []struct {
		name, key string
		want      error
	}{
		{"valid", wso2Key(t, k, iss, hour), nil},
		{"no exp", wso2Key(t, k, iss, time.Time{}), nil},
		{"expired", wso2Key(t, k, iss, time.Now().Add(-time.Hour)), ErrExpired},
		{"wrong issuer", wso2Key(t, k, "https://evil", hour), ErrInvalid},
		{"other signer", wso2Key(t, other, iss, hour), ErrInvalid},
		{"not a jwt", "plain-key", ErrUnknownIssuer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := v.Verify([]byte(tc.key))
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id.User != "admin@carbon.super" || id.AppName != "DefaultApplication" || id.AppID != "1" ||
				id.AppTier != "Unlimited" || id.KeyType != "PRODUCTION" {
				t.Errorf("identity %+v", id)
			}
			if s, ok := id.Subscribed(super, "Orders", "v1"); !ok || s.Tier != "Gold" {
				t.Errorf("subscription to Orders v1: %+v %v", s, ok)
			}
			if _, ok := id.Subscribed(super, "Orders", "v2"); ok {
				t.Error("subscribed to a version it does not name")
			}
			if _, ok := id.Subscribed("abc.com", "Orders", "v1"); ok {
				t.Error("subscribed in another tenant")
			}
		})
	}
}
