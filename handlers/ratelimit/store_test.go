package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seqgate/seqgate/tests/redistest"
)

// stores runs each conformance case against both stores: what one store
// does, the other must do too.
var stores = []struct {
	name string
	new  func(t testing.TB) Store
}{
	{"memory", func(testing.TB) Store { return NewMemory(nil) }},
	{"redis", func(t testing.TB) Store { s, _ := newRedisStore(t); return s }},
}

// newRedisStore starts a real redis-server and a client on it, with the
// gateway's settings (200ms timeout, one retry).
func newRedisStore(t testing.TB) (*Redis, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: 1, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = c.Close() })
	return NewRedis(c, "test:", 200*time.Millisecond), srv
}

// lim builds a limit.
func lim(key string, maxN int64, window time.Duration) Limit {
	return Limit{Key: []byte(key), Max: maxN, Window: window}
}

// step is one Take and what it must answer.
type step struct {
	limits    []Limit
	sleep     time.Duration // before the take
	allowed   bool
	index     int
	remaining int64
}

func TestStoreConformance(t *testing.T) {
	long := time.Minute
	cases := []struct {
		name  string
		steps []step
		peek  map[string]int64 // counts after the steps
	}{
		{"one key up to its limit", []step{
			{limits: []Limit{lim("a", 3, long)}, allowed: true, remaining: 2},
			{limits: []Limit{lim("a", 3, long)}, allowed: true, remaining: 1},
			{limits: []Limit{lim("a", 3, long)}, allowed: true, remaining: 0},
			{limits: []Limit{lim("a", 3, long)}, allowed: false},
			{limits: []Limit{lim("a", 3, long)}, allowed: false},
		}, map[string]int64{"a": 3}},
		{"a refusal by one key counts in none", []step{
			{limits: []Limit{lim("wide", 5, long), lim("narrow", 2, long)}, allowed: true, index: 1, remaining: 1},
			{limits: []Limit{lim("wide", 5, long), lim("narrow", 2, long)}, allowed: true, index: 1, remaining: 0},
			{limits: []Limit{lim("wide", 5, long), lim("narrow", 2, long)}, allowed: false, index: 1},
			{limits: []Limit{lim("wide", 5, long), lim("narrow", 2, long)}, allowed: false, index: 1},
			{limits: []Limit{lim("wide", 5, long)}, allowed: true, remaining: 2},
		}, map[string]int64{"wide": 3, "narrow": 2}},
		{"most constrained key decides the answer", []step{
			{limits: []Limit{lim("x", 10, long), lim("y", 4, long), lim("z", 7, long)}, allowed: true, index: 1, remaining: 3},
		}, map[string]int64{"x": 1, "y": 1, "z": 1}},
		{"burst: a short window on top of a long one", []step{
			{limits: []Limit{lim("q", 10, long), lim("q-burst", 2, 200*time.Millisecond)}, allowed: true, index: 1, remaining: 1},
			{limits: []Limit{lim("q", 10, long), lim("q-burst", 2, 200*time.Millisecond)}, allowed: true, index: 1, remaining: 0},
			{limits: []Limit{lim("q", 10, long), lim("q-burst", 2, 200*time.Millisecond)}, allowed: false, index: 1},
			{limits: []Limit{lim("q", 10, long), lim("q-burst", 2, 200*time.Millisecond)}, sleep: 250 * time.Millisecond, allowed: true, index: 1, remaining: 1},
		}, map[string]int64{"q": 3, "q-burst": 1}},
		{"window ends, counting restarts", []step{
			{limits: []Limit{lim("w", 2, 200*time.Millisecond)}, allowed: true, remaining: 1},
			{limits: []Limit{lim("w", 2, 200*time.Millisecond)}, allowed: true, remaining: 0},
			{limits: []Limit{lim("w", 2, 200*time.Millisecond)}, allowed: false},
			{limits: []Limit{lim("w", 2, 200*time.Millisecond)}, sleep: 250 * time.Millisecond, allowed: true, remaining: 1},
		}, map[string]int64{"w": 1, "never": 0}},
		{"no limits", []step{{limits: nil, allowed: true, index: -1}}, nil},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					s := st.new(t)
					for i, sp := range tc.steps {
						time.Sleep(sp.sleep)
						checkStep(t, s, i, sp)
					}
					for key, want := range tc.peek {
						if c, err := s.Peek(context.Background(), key); err != nil || c.Count != want {
							t.Errorf("Peek(%s) = %+v, %v; want count %d", key, c, err, want)
						}
					}
				})
			}
		})
	}
}

func checkStep(t *testing.T, s Store, i int, sp step) {
	t.Helper()
	r, err := s.Take(context.Background(), sp.limits)
	if err != nil {
		t.Fatalf("step %d: %v", i, err)
	}
	if r.Allowed != sp.allowed || r.Index != sp.index || (sp.allowed && r.Remaining != sp.remaining) {
		t.Fatalf("step %d: got %+v, want allowed %v index %d remaining %d", i, r, sp.allowed, sp.index, sp.remaining)
	}
	if sp.index >= 0 && (r.Reset <= 0 || r.Reset > sp.limits[sp.index].Window) {
		t.Errorf("step %d: reset %v, want within (0, %v]", i, r.Reset, sp.limits[sp.index].Window)
	}
}

// TestStoreConcurrent: goroutines share one key (150) and each has its
// own (10): 20 goroutines x 20 takes could pass 200 by their own keys, the
// shared one lets exactly 150 through, and every refused take counted
// nowhere, so the own keys' counts sum to 150 as well.
func TestStoreConcurrent(t *testing.T) {
	const goroutines, takes, shared, own = 20, 20, 150, 10
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.new(t)
			var allowed atomic.Int64
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					limits := []Limit{lim("shared", shared, time.Minute), lim(fmt.Sprintf("own-%d", g), own, time.Minute)}
					for range takes {
						r, err := s.Take(context.Background(), limits)
						if err != nil {
							t.Error(err)
							return
						}
						if r.Allowed {
							allowed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			if allowed.Load() != shared {
				t.Errorf("allowed %d, want exactly %d", allowed.Load(), shared)
			}
			sum := int64(0)
			for g := range goroutines {
				c, _ := s.Peek(context.Background(), fmt.Sprintf("own-%d", g))
				if c.Count > own {
					t.Errorf("own-%d counted %d, over its limit %d", g, c.Count, own)
				}
				sum += c.Count
			}
			if c, _ := s.Peek(context.Background(), "shared"); c.Count != shared || sum != shared {
				t.Errorf("shared counted %d, own keys %d in all; want both %d", c.Count, sum, shared)
			}
		})
	}
}

// TestRedisOutage: with the server gone Take and Peek fail fast with an
// error (the throttle decides open or closed); once it is back (empty, as
// after a crash without persistence) counting starts again, the script
// reloaded by the EVAL fallback.
func TestRedisOutage(t *testing.T) {
	s, srv := newRedisStore(t)
	limits := []Limit{lim("k", 2, time.Minute)}
	if r, err := s.Take(context.Background(), limits); err != nil || !r.Allowed {
		t.Fatalf("before: %+v %v", r, err)
	}
	srv.Stop()
	start := time.Now()
	if _, err := s.Take(context.Background(), limits); err == nil {
		t.Fatal("take with redis stopped: no error")
	}
	if _, err := s.Peek(context.Background(), "k"); err == nil {
		t.Fatal("peek with redis stopped: no error")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("failing calls took %v, want well under 1s", d)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		if r, err := s.Take(context.Background(), limits); err != nil || r.Allowed != want {
			t.Fatalf("after restart, take %d: %+v %v; want allowed %v", i, r, err, want)
		}
	}
}

// TestRedisKeys: keys carry the prefix and expire by the window.
func TestRedisKeys(t *testing.T) {
	s, srv := newRedisStore(t)
	if _, err := s.Take(context.Background(), []Limit{lim("sub|carbon.super|Pizza|1.0|Gold|app", 5, time.Minute)}); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer c.Close()
	ctx := context.Background()
	if v, err := c.Get(ctx, "test:sub|carbon.super|Pizza|1.0|Gold|app").Int(); err != nil || v != 1 {
		t.Errorf("GET prefixed key = %d, %v; want 1", v, err)
	}
	if ttl, err := c.PTTL(ctx, "test:sub|carbon.super|Pizza|1.0|Gold|app").Result(); err != nil || ttl <= 59*time.Second || ttl > time.Minute {
		t.Errorf("PTTL = %v, %v; want just under 1m", ttl, err)
	}
}

// TestMemorySweep: ended windows are dropped by later takes on the shard.
func TestMemorySweep(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	m := NewMemory(func() time.Time { return time.Unix(0, now.Load()) })
	for i := range 200 {
		_, _ = m.Take(context.Background(), []Limit{lim(fmt.Sprintf("k%d", i), 1, time.Second)})
	}
	if m.Len() != 200 {
		t.Fatalf("Len %d, want 200", m.Len())
	}
	now.Add(int64(2 * sweepEvery))
	for i := range 2000 { // 2,000 keys over 64 shards touch (and sweep) every shard
		_, _ = m.Take(context.Background(), []Limit{lim(fmt.Sprintf("n%d", i), 1, time.Second)})
	}
	if m.Len() != 2000 {
		t.Errorf("Len %d after the old windows ended, want 2000 (the new keys only)", m.Len())
	}
}

func TestTooManyLimits(t *testing.T) {
	limits := make([]Limit, MaxLimits+1)
	for i := range limits {
		limits[i] = lim(fmt.Sprint(i), 1, time.Second)
	}
	if _, err := NewMemory(nil).Take(context.Background(), limits); err != ErrTooManyLimits {
		t.Errorf("err %v, want ErrTooManyLimits", err)
	}
}
