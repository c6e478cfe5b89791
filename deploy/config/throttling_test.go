package config

import (
	"strings"
	"testing"
)

func TestValidateThrottling(t *testing.T) {
	api := func(extra string) string {
		return "tiers: [{name: Gold, requests: 10, unit: 1s}]\napis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"]" + extra + "}]\n"
	}
	cases := []struct {
		name, yaml, want string
	}{
		{"store unknown", "throttling: {store: disk}\n", `throttling.store: "disk" is not memory or redis`},
		{"store redis without addr", "throttling: {store: redis}\n", "throttling.store: redis needs redis.addr"},
		{"on_store_error", "throttling: {on_store_error: maybe}\n", `throttling.on_store_error: "maybe" is not open or closed`},
		{"redis timeout", "redis: {addr: \"127.0.0.1:6379\", timeout: -1s}\n", "redis.timeout: must be positive"},
		{"burst requests", "tiers: [{name: B, requests: 10, unit: 1m, burst: {requests: 0, unit: 1s}}]\n", "tiers[0] (B): burst.requests must be > 0"},
		{"burst unit", "tiers: [{name: B, requests: 10, unit: 1m, burst: {requests: 2}}]\n", "tiers[0] (B): burst.unit must be > 0"},
		{"tenant default_tier", "tenants: [{id: 1, domain: a.com, default_tier: Iron}]\n", `tenants[0] (a.com): default_tier "Iron" is not declared in tiers`},
		{"subscription tier", "applications: [{name: A, keys: [k], subscriptions: [{api: n, tier: Iron}]}]\n",
			`applications[0] (A): subscriptions[0]: tier "Iron" is not declared in tiers`},
		{"api_tier", api(", api_tier: Iron"), `apis[0] (p--n:vv1): api_tier "Iron" is not declared in tiers`},
		{"resource tier", api(", resources: [{uri_template: /x}, {uri_template: /y, tier: Iron}]"),
			`apis[0] (p--n:vv1): resources[1]: tier "Iron" is not declared in tiers`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\nwant one containing\n%s", err, tc.want)
			}
		})
	}
}

func TestThrottlingDefaultsAndGoodConfig(t *testing.T) {
	c, err := Parse([]byte(`
throttling: {store: redis, on_store_error: closed, headers: false}
redis: {addr: "127.0.0.1:6379"}
tenants: [{id: 1, domain: a.com, default_tier: Unlimited}]
tiers: [{name: Gold, requests: 10, unit: 1m, burst: {requests: 2, unit: 1s}}]
applications: [{name: A, keys: [k], tier: Gold, subscriptions: [{api: n, version: v1, tier: Gold}]}]
apis: [{provider: p, name: n, version: v1, context: /c, api_tier: Gold, backend: ["http://x"], resources: [{tier: Unlimited}]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Throttling.HeadersEnabled() || c.Redis.Timeout.D().String() != "200ms" || c.Redis.KeyPrefix != "seqgate:" {
		t.Errorf("got %+v %+v", c.Throttling, c.Redis)
	}
	d, _ := Parse(nil)
	if d.Throttling.Store != StoreMemory || d.Throttling.OnStoreError != FailOpen || !d.Throttling.HeadersEnabled() {
		t.Errorf("defaults %+v", d.Throttling)
	}
}
