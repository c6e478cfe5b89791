package handlers

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/ratelimit"
	"github.com/seqgate/seqgate/tests/redistest"
)

// TestThrottleStoreOutage: with Redis gone every request goes as
// on_store_error says, each failure is counted, and the outage is logged
// once when it starts and once when it ends, never per request.
func TestThrottleStoreOutage(t *testing.T) {
	for _, tc := range []struct {
		onError string
		status  int // while down; 0: let through
	}{{config.FailOpen, 0}, {config.FailClosed, 503}} {
		t.Run(tc.onError, func(t *testing.T) {
			rs := redistest.Start(t)
			c := redis.NewClient(&redis.Options{Addr: rs.Addr, DialTimeout: 200 * time.Millisecond,
				ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: 1, ContextTimeoutEnabled: true})
			defer c.Close()
			core, logs := observer.New(zap.InfoLevel)
			reg := prometheus.NewRegistry()
			health, err := NewStoreHealth(zap.New(core), reg)
			if err != nil {
				t.Fatal(err)
			}
			f := newThrottleFixture(t, func(func() time.Time) ratelimit.Store { return ratelimit.NewRedis(c, "h:", 200*time.Millisecond) })
			f.cfg.Throttling.Store, f.cfg.Throttling.OnStoreError = config.StoreRedis, tc.onError
			f.th, _ = NewThrottle(f.cfg, ThrottleOptions{Store: f.th.store, Health: health})

			if _, st := f.send(t, "GET", "/orders/v1/1", caller{app: "plain"}); st != 0 {
				t.Fatalf("up: status %d", st)
			}
			rs.Stop()
			for range 5 {
				ex, st := f.send(t, "GET", "/orders/v1/1", caller{app: "plain"})
				if st != tc.status {
					t.Fatalf("down: status %d, want %d (%s)", st, tc.status, ex.MC.Resp.Body())
				}
				if ex.MC.Resp.Header.Peek("X-RateLimit-Limit") != nil {
					t.Error("down: X-RateLimit-Limit set without a count")
				}
			}
			if n := value(health.errors); n != 5 {
				t.Errorf("errors_total %v, want 5", n)
			}
			if up := value(health.up); up != 0 || health.Up() {
				t.Errorf("store_up %v while down", up)
			}
			if err := rs.Start(); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				f.send(t, "GET", "/orders/v1/1", caller{app: "plain"})
			}
			if up := value(health.up); up != 1 {
				t.Errorf("store_up %v after recovery", up)
			}
			warn, back := logs.FilterMessage("throttle store unreachable").Len(), logs.FilterMessage("throttle store is back").Len()
			if warn != 1 || back != 1 {
				t.Errorf("logged down %d times, back %d times; want once each", warn, back)
			}
		})
	}
}

// value reads a counter's or gauge's current value.
func value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

// BenchmarkThrottleRedis is BenchmarkThrottle on a real redis-server on
// loopback: one script call (three keys) per request.
func BenchmarkThrottleRedis(b *testing.B) {
	rs := redistest.Start(b)
	c := redis.NewClient(&redis.Options{Addr: rs.Addr, ContextTimeoutEnabled: true})
	defer c.Close()
	f := newThrottleFixture(b, func(func() time.Time) ratelimit.Store { return ratelimit.NewRedis(c, "b:", time.Second) })
	for i := range f.cfg.Tiers {
		f.cfg.Tiers[i].Requests = 1 << 30
	}
	ex := f.exchange(b, "POST", "/orders/v1/bulk")
	ex.App = f.apps["apptiered"]
	b.ReportAllocs()
	for b.Loop() {
		if !f.th.HandleRequest(ex) {
			b.Fatal("refused", string(ex.MC.Resp.Body()))
		}
		f.th.Complete(ex)
	}
}
