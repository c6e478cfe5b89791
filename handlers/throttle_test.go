package handlers

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time source for the throttle.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }
func newClock() *clock {
	c := &clock{}
	c.t.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (f *fixture) throttle(t testing.TB) (*Throttle, *clock) {
	t.Helper()
	th, err := NewThrottle(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	th.now = c.now
	return th, c
}

// do sends one request through auth and throttle and returns the status
// (0 when it passed).
func (f *fixture) do(t testing.TB, auth *Auth, th *Throttle, uri, ip string, headers ...string) int {
	t.Helper()
	ex := f.exchange(t, "GET", uri, headers...)
	ex.ClientIP = netip.MustParseAddr(ip)
	if !auth.HandleRequest(ex) {
		return ex.MC.Resp.StatusCode()
	}
	if !th.HandleRequest(ex) {
		return ex.MC.Resp.StatusCode()
	}
	return 0
}

func TestThrottleWindow(t *testing.T) {
	f := newFixture(t)
	auth, _ := NewAuth(f.cfg)
	th, clk := f.throttle(t)
	key := []string{"apikey", "key-super-1"} // App1: no tier of its own, API tier Two (2/s)
	steps := []struct {
		name    string
		advance time.Duration
		want    int
	}{
		{"first", 0, 0},
		{"second", 100 * time.Millisecond, 0},
		{"third refused", 100 * time.Millisecond, 429},
		{"still refused", 700 * time.Millisecond, 429},
		{"new window", 100 * time.Millisecond, 0},
		{"new window second", 0, 0},
		{"new window third refused", 0, 429},
	}
	for _, s := range steps {
		clk.advance(s.advance)
		if got := f.do(t, auth, th, "/orders/v1/1", "10.0.0.1", key...); got != s.want {
			t.Fatalf("%s: status %d, want %d", s.name, got, s.want)
		}
	}
}

func TestThrottleResponse(t *testing.T) {
	f := newFixture(t)
	th, clk := f.throttle(t)
	var ex *Exchange
	for range 3 {
		ex = f.exchange(t, "GET", "/open/v1/x")
		th.HandleRequest(ex)
		clk.advance(200 * time.Millisecond)
	}
	if ex.MC.Resp.StatusCode() != 429 {
		t.Fatalf("status %d", ex.MC.Resp.StatusCode())
	}
	// Window opened at 0, third request at 400ms: 600ms left, rounded up.
	if ra := string(ex.MC.Resp.Header.Peek("Retry-After")); ra != "1" {
		t.Errorf("Retry-After %q, want 1", ra)
	}
	var body struct{ Code, Message string }
	if err := json.Unmarshal(ex.MC.Resp.Body(), &body); err != nil || body.Code != "900800" || body.Message != "Message throttled out" {
		t.Errorf("body %s", ex.MC.Resp.Body())
	}
}

func TestThrottleKeys(t *testing.T) {
	f := newFixture(t)
	auth, _ := NewAuth(f.cfg)
	th, _ := f.throttle(t)
	count := func(uri, ip string, n int, headers ...string) int {
		passed := 0
		for range n {
			if f.do(t, auth, th, uri, ip, headers...) == 0 {
				passed++
			}
		}
		return passed
	}
	cases := []struct {
		name, uri, ip string
		headers       []string
		n, want       int
	}{
		{"api tier per ip A", "/open/v1/x", "10.0.0.1", nil, 5, 2},
		{"api tier per ip B", "/open/v1/x", "10.0.0.2", nil, 5, 2},
		{"app tier overrides api tier", "/orders/v1/1", "10.0.0.1", []string{"apikey", "key-fast"}, 8, 5},
		{"app Unlimited overrides api tier", "/orders/v1/1", "10.0.0.1", []string{"apikey", "key-free"}, 20, 20},
		{"app counted apart from ip", "/orders/v1/1", "10.0.0.1", []string{"apikey", "key-super-1"}, 5, 2},
		{"open resource of same api, by ip", "/orders/v1/public/a", "10.0.0.9", nil, 5, 2},
		{"untiered api", "/t/abc.com/stock/1.0.0/q", "10.0.0.1", []string{"apikey", "key-abc"}, 20, 20},
	}
	for _, tc := range cases {
		if got := count(tc.uri, tc.ip, tc.n, tc.headers...); got != tc.want {
			t.Errorf("%s: %d of %d passed, want %d", tc.name, got, tc.n, tc.want)
		}
	}
}

func TestThrottleSweepsEndedWindows(t *testing.T) {
	f := newFixture(t)
	th, clk := f.throttle(t)
	for i := range 50 {
		ex := f.exchange(t, "GET", "/open/v1/x")
		ex.ClientIP = netip.MustParseAddr(fmt.Sprintf("10.1.0.%d", i))
		th.HandleRequest(ex)
	}
	if th.Len() != 50 {
		t.Fatalf("Len %d, want 50", th.Len())
	}
	clk.advance(2 * time.Minute)
	for i := range throttleShards { // touch every shard once
		th.shards[i].mu.Lock()
		if clk.now().UnixNano()-th.shards[i].lastSweep > int64(sweepEvery) {
			th.shards[i].sweep(clk.now().UnixNano())
		}
		th.shards[i].mu.Unlock()
	}
	if th.Len() != 0 {
		t.Errorf("Len %d after the windows ended, want 0", th.Len())
	}
	// A request on its own also sweeps its shard.
	ex := f.exchange(t, "GET", "/open/v1/x")
	th.HandleRequest(ex)
	clk.advance(2 * time.Minute)
	ex2 := f.exchange(t, "GET", "/open/v1/x")
	ex2.ClientIP = ex.ClientIP
	th.HandleRequest(ex2)
	if th.Len() != 1 {
		t.Errorf("Len %d, want 1 (old window swept, new one counted)", th.Len())
	}
}

func TestThrottleConcurrent(t *testing.T) {
	f := newFixture(t)
	auth, _ := NewAuth(f.cfg)
	th, _ := f.throttle(t) // frozen clock: one window for the whole test
	var passed, refused atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				ex := f.exchange(t, "GET", "/orders/v1/1", "apikey", "key-fast")
				ex.ClientIP = netip.MustParseAddr(fmt.Sprintf("10.0.0.%d", g))
				if !auth.HandleRequest(ex) {
					t.Error("auth refused")
					return
				}
				if th.HandleRequest(ex) {
					passed.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if passed.Load() != 5 || refused.Load() != 315 {
		t.Errorf("passed %d refused %d, want 5 and 315", passed.Load(), refused.Load())
	}
}

func BenchmarkThrottle(b *testing.B) {
	f := newFixture(b)
	f.cfg.Tiers[0].Requests = 1 << 30 // never refuse: measure counting
	th, _ := NewThrottle(f.cfg)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ex := f.exchange(b, "GET", "/open/v1/x")
		for pb.Next() {
			if !th.HandleRequest(ex) {
				b.Fatal("refused")
			}
		}
	})
}
