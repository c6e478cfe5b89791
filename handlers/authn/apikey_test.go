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
			orders := APIRef{Tenant: super, Name: "Orders", Version: "v1", Publisher: "admin", Context: "/orders", Prefix: "/orders/v1"}
			if s, ok := id.SubscribedTo(&orders); !ok || s.Tier != "Gold" {
				t.Errorf("subscription to Orders v1: %+v %v", s, ok)
			}
			for what, other := range map[string]APIRef{
				"a version it does not name": {Tenant: super, Name: "Orders", Version: "v2", Publisher: "admin", Context: "/orders", Prefix: "/orders/v2"},
				"another tenant":             {Tenant: "abc.com", Name: "Orders", Version: "v1", Publisher: "admin", Context: "/t/abc.com/orders", Prefix: "/t/abc.com/orders/v1"},
				"another provider":           {Tenant: super, Name: "Orders", Version: "v1", Publisher: "bob", Context: "/orders", Prefix: "/orders/v1"},
				"another context":            {Tenant: super, Name: "Orders", Version: "v1", Publisher: "admin", Context: "/orders2", Prefix: "/orders2/v1"},
			} {
				if _, ok := id.SubscribedTo(&other); ok {
					t.Errorf("subscribed to %s", what)
				}
			}
		})
	}
}

// TestSubscribedToDefaults: an entry without subscriberTenantDomain is the
// super tenant's; one without publisher or context matches on name,
// version and tenant alone.
func TestSubscribedToDefaults(t *testing.T) {
	id := &Identity{Subscriptions: []Subscription{{Name: "Orders", Version: "v1"}}}
	if _, ok := id.SubscribedTo(&APIRef{Tenant: super, Name: "Orders", Version: "v1", Publisher: "anyone", Context: "/x", Prefix: "/x/v1"}); !ok {
		t.Error("a bare entry does not open the super tenant's Orders v1")
	}
	if _, ok := id.SubscribedTo(&APIRef{Tenant: "abc.com", Name: "Orders", Version: "v1", Context: "/t/abc.com/x", Prefix: "/t/abc.com/x/v1"}); ok {
		t.Error("an entry without subscriberTenantDomain opens another tenant's API")
	}
}
