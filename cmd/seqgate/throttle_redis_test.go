package main

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/seqgate/seqgate/tests/redistest"
)

// TestThrottleGatewayRedis runs the gateway on a real redis-server, takes
// it away and brings it back, with on_store_error open and closed.
func TestThrottleGatewayRedis(t *testing.T) {
	for _, tc := range []struct {
		onError    string
		downStatus int
		downCode   string
	}{{"open", 200, ""}, {"closed", 503, `"900809"`}} {
		t.Run(tc.onError, func(t *testing.T) {
			rs := redistest.Start(t)
			backend, _ := startBackend(t, 0)
			store := "throttling: { store: redis, on_store_error: " + tc.onError + " }\nredis: { addr: \"" + rs.Addr + "\", key_prefix: \"gw:\" }"
			r := startServer(t, strings.Replace(throttleYAML, "STORE", store, 1), nil, backend)
			check(t, r.traffic, want{"1", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "1"})
			check(t, r.traffic, want{"2", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "0"})
			check(t, r.traffic, want{"full", "GET", "/orders/1.0.0/a", "key-1", 429, "2", "0"})
			c := redis.NewClient(&redis.Options{Addr: rs.Addr})
			defer c.Close()
			if n, err := c.Get(context.Background(), "gw:sub|carbon.super|Orders|1.0.0|Two|app:app-1").Int(); err != nil || n != 2 {
				t.Errorf("redis counter %d, %v; want 2", n, err)
			}
			if _, out := r.probe("api=Orders&version=1.0.0&subject=app-1"); !strings.Contains(levels(out), "count=2 remaining=0") {
				t.Errorf("probe on redis: %s", levels(out))
			}
			expectMetric(t, r, "seqgate_throttle_store_up 1")

			rs.Stop()
			resp := do(t, r.traffic, "GET", "/orders/1.0.0/a", "", "apikey", "key-1")
			if resp.StatusCode() != tc.downStatus || !strings.Contains(string(resp.Body()), tc.downCode) {
				t.Errorf("redis down: %d %s, want %d %s", resp.StatusCode(), resp.Body(), tc.downStatus, tc.downCode)
			}
			if st, _ := r.probe("api=Orders&version=1.0.0&subject=app-1"); st != 503 {
				t.Errorf("probe with redis down: %d, want 503", st)
			}
			expectMetric(t, r, "seqgate_throttle_store_up 0")
			if _, m := r.get("/metrics"); !strings.Contains(m, "seqgate_throttle_store_errors_total ") || strings.Contains(m, "seqgate_throttle_store_errors_total 0\n") {
				t.Errorf("no store errors counted")
			}

			if err := rs.Start(); err != nil {
				t.Fatal(err)
			}
			// Back, empty: counting starts again (the refused or unthrottled
			// requests of the outage were never counted).
			check(t, r.traffic, want{"back 1", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "1"})
			check(t, r.traffic, want{"back 2", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "0"})
			check(t, r.traffic, want{"back full", "GET", "/orders/1.0.0/a", "key-1", 429, "2", "0"})
			expectMetric(t, r, "seqgate_throttle_store_up 1")
		})
	}
}

func expectMetric(t *testing.T, r *running, line string) {
	t.Helper()
	if _, m := r.get("/metrics"); !strings.Contains(m, line+"\n") {
		t.Errorf("/metrics has no line %q", line)
	}
}
