package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/ratelimit"
	"github.com/seqgate/seqgate/handlers/route"
)

// throttleConfig exercises every level: subscription tiers from the API,
// from subscriptions[] and from the tenant's default; application tiers;
// an api_tier; a resource tier; a tier with burst.
const throttleConfig = `
tenants: [{id: 1, domain: abc.com, default_tier: Three}]
tiers:
  - {name: Two, requests: 2, unit: 1m}
  - {name: Three, requests: 3, unit: 1m}
  - {name: Five, requests: 5, unit: 1m}
  - {name: Ten, requests: 10, unit: 1m}
  - {name: Bursty, requests: 10, unit: 1m, burst: {requests: 2, unit: 1s}}
applications:
  - {name: Plain, id: plain, keys: [k1]}
  - name: Subbed
    id: subbed
    keys: [k2]
    subscriptions: [{api: Orders, tier: Five}, {api: Orders, version: v1, tier: Ten}, {api: Other, tier: Five}]
  - {name: AppTiered, id: apptiered, tier: Three, keys: [k3]}
  - {name: Unl, id: unl, keys: [k4], subscriptions: [{api: Orders, tier: Unlimited}]}
  - {name: T, id: t, tenant: abc.com, keys: [k5]}
apis:
  - provider: admin
    name: Orders
    version: v1
    context: /orders
    tier: Two
    backend: ["http://127.0.0.1:1"]
    resources:
      - {methods: [GET], uri_template: "/{id}"}
      - {methods: [POST], uri_template: /bulk, tier: Three}
  - {provider: admin, name: Other, version: v1, context: /other, tier: Ten, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: Shared, version: v1, context: /shared, auth: none, api_tier: Five, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: Burst, version: v1, context: /burst, auth: none, tier: Bursty, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: Stock, version: 1.0.0, context: /stock, tenant: abc.com, backend: ["http://127.0.0.1:1"]}
`

// clock is a settable time source for the memory store.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// throttleFixture is the routed config, a throttle on a memory store with
// a settable clock, and the apps by id.
type throttleFixture struct {
	*fixture
	th   *Throttle
	clk  *clock
	apps map[string]*config.App
}

func newThrottleFixture(t testing.TB, store func(now func() time.Time) ratelimit.Store) *throttleFixture {
	t.Helper()
	cfg, err := config.Parse([]byte(throttleConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{}
	clk.t.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	var s ratelimit.Store = ratelimit.NewMemory(clk.now)
	if store != nil {
		s = store(clk.now)
	}
	th, err := NewThrottle(cfg, ThrottleOptions{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	f := &throttleFixture{fixture: &fixture{cfg: cfg, router: r}, th: th, clk: clk, apps: map[string]*config.App{}}
	for i := range cfg.Applications {
		f.apps[cfg.Applications[i].ID] = &cfg.Applications[i]
	}
	return f
}

// caller is who sends a request: a configured app, a bare credential, or
// nobody (then the client IP counts).
type caller struct {
	app       string
	principal Principal
	ip        string
}

// send runs one request through the throttle and Complete; it returns
// the exchange (status 0 when it passed).
func (f *throttleFixture) send(t testing.TB, method, uri string, c caller) (*Exchange, int) {
	t.Helper()
	ex := f.exchange(t, method, uri)
	ex.App = f.apps[c.app]
	ex.Principal = c.principal
	if c.ip != "" {
		ex.ClientIP = netip.MustParseAddr(c.ip)
	}
	status := 0
	if !f.th.HandleRequest(ex) {
		status = ex.MC.Resp.StatusCode()
	}
	f.th.Complete(ex)
	return ex, status
}

// step sends n requests and expects want of them to pass.
type step struct {
	method, uri string
	who         caller
	advance     time.Duration
	n, want     int
}

func TestThrottleLevels(t *testing.T) {
	get := func(uri string, who caller, n, want int) step { return step{"GET", uri, who, 0, n, want} }
	cases := []struct {
		name  string
		steps []step
	}{
		{"subscription: the api tier per app", []step{
			get("/orders/v1/1", caller{app: "plain"}, 5, 2),
			get("/orders/v1/1", caller{app: "apptiered"}, 5, 2)}},
		{"subscription: subscriptions[] tier, the versioned entry wins", []step{
			get("/orders/v1/1", caller{app: "subbed"}, 12, 10)}},
		{"subscription: version-less subscriptions[] entry", []step{
			get("/other/v1/1", caller{app: "subbed"}, 12, 5)}},
		{"subscription: Unlimited subscription lifts the api tier", []step{
			get("/orders/v1/1", caller{app: "unl"}, 30, 30)}},
		{"subscription: the credential's tier when no app is configured", []step{
			get("/orders/v1/1", caller{principal: Principal{ConsumerKey: "ck-x", SubTier: "Five"}}, 8, 5),
			get("/orders/v1/1", caller{principal: Principal{User: "u", SubTier: "Five"}}, 8, 5)}},
		{"subscription: an unknown credential tier falls back to the api tier", []step{
			get("/orders/v1/1", caller{principal: Principal{ConsumerKey: "ck-y", SubTier: "Nope"}}, 5, 2)}},
		{"subscription: anonymous callers by client IP", []step{
			get("/orders/v1/1", caller{ip: "10.0.0.1"}, 5, 2),
			get("/orders/v1/1", caller{ip: "10.0.0.2"}, 5, 2)}},
		{"subscription: the tenant's default_tier", []step{
			get("/t/abc.com/stock/1.0.0/q", caller{app: "t"}, 5, 3)}},
		{"application: one quota across every api of the tenant", []step{
			get("/other/v1/1", caller{app: "apptiered"}, 2, 2),
			get("/orders/v1/1", caller{app: "apptiered"}, 3, 1)}},
		{"application: the credential's app tier", []step{
			get("/other/v1/1", caller{principal: Principal{ConsumerKey: "ck-z", AppTier: "Two"}}, 4, 2)}},
		{"api: one counter for every caller", []step{
			get("/shared/v1/a", caller{ip: "10.0.0.1"}, 3, 3),
			get("/shared/v1/b", caller{ip: "10.0.0.2"}, 3, 2),
			{"GET", "/shared/v1/b", caller{ip: "10.0.0.3"}, time.Minute, 6, 5}}},
		{"resource: one counter for every caller, refusals count nowhere", []step{
			{"POST", "/orders/v1/bulk", caller{app: "plain"}, 0, 3, 2},
			{"POST", "/orders/v1/bulk", caller{app: "subbed"}, 0, 3, 1},
			get("/orders/v1/1", caller{app: "subbed"}, 10, 9)}}, // 1 of 3 counted above
		{"burst: a short window on top of the quota", []step{
			get("/burst/v1/x", caller{ip: "10.0.0.1"}, 4, 2),
			{"GET", "/burst/v1/x", caller{ip: "10.0.0.1"}, time.Second, 4, 2},
			{"GET", "/burst/v1/x", caller{ip: "10.0.0.1"}, time.Second, 4, 2}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newThrottleFixture(t, nil)
			for i, s := range tc.steps {
				f.clk.advance(s.advance)
				passed := 0
				for range s.n {
					if _, st := f.send(t, s.method, s.uri, s.who); st == 0 {
						passed++
					}
				}
				if passed != s.want {
					t.Fatalf("step %d: %d of %d passed, want %d", i, passed, s.n, s.want)
				}
			}
		})
	}
}

func TestThrottleAnswers(t *testing.T) {
	f := newThrottleFixture(t, nil)
	hdr := func(ex *Exchange, name string) string { return string(ex.MC.Resp.Header.Peek(name)) }
	// apptiered on Orders: subscription Two and application Three; the
	// subscription is the most constrained.
	ex, st := f.send(t, "GET", "/orders/v1/1", caller{app: "apptiered"})
	if st != 0 || hdr(ex, "X-RateLimit-Limit") != "2" || hdr(ex, "X-RateLimit-Remaining") != "1" || hdr(ex, "X-RateLimit-Reset") != "60" {
		t.Errorf("first: status %d, headers %q %q %q; want pass, 2 1 60", st,
			hdr(ex, "X-RateLimit-Limit"), hdr(ex, "X-RateLimit-Remaining"), hdr(ex, "X-RateLimit-Reset"))
	}
	f.clk.advance(20*time.Second + 300*time.Millisecond)
	f.send(t, "GET", "/orders/v1/1", caller{app: "apptiered"})
	ex, st = f.send(t, "GET", "/orders/v1/1", caller{app: "apptiered"})
	if st != 429 || hdr(ex, "Retry-After") != "40" || hdr(ex, "X-RateLimit-Remaining") != "0" || hdr(ex, "X-RateLimit-Reset") != "40" {
		t.Errorf("refused: status %d, Retry-After %q, remaining %q, reset %q; want 429, 40, 0, 40", st,
			hdr(ex, "Retry-After"), hdr(ex, "X-RateLimit-Remaining"), hdr(ex, "X-RateLimit-Reset"))
	}
	var body struct{ Code, Message, Description string }
	if err := json.Unmarshal(ex.MC.Resp.Body(), &body); err != nil || body.Code != "900800" || body.Message != "Message throttled out" ||
		body.Description != "You have exceeded your quota of 2 requests per 1m0s (subscription level, tier Two)" {
		t.Errorf("body %s", ex.MC.Resp.Body())
	}
	if r, _ := ex.MC.Props.Get(PropThrottledOutReason); r != "SUBSCRIPTION_LIMIT_EXCEEDED" {
		t.Errorf("THROTTLED_OUT_REASON %q", r)
	}
	// An API without levels gets no headers.
	if ex, _ = f.send(t, "GET", "/orders/v1/1", caller{app: "unl"}); hdr(ex, "X-RateLimit-Limit") != "" {
		t.Errorf("unlimited: X-RateLimit-Limit %q, want none", hdr(ex, "X-RateLimit-Limit"))
	}
	for range 2 {
		f.send(t, "GET", "/burst/v1/x", caller{ip: "10.9.9.9"})
	}
	ex, _ = f.send(t, "GET", "/burst/v1/x", caller{ip: "10.9.9.9"})
	if r, _ := ex.MC.Props.Get(PropThrottledOutReason); r != "SUBSCRIPTION_BURST_LIMIT_EXCEEDED" || hdr(ex, "Retry-After") != "1" {
		t.Errorf("burst: reason %q, Retry-After %q", r, hdr(ex, "Retry-After"))
	}
}

func TestThrottleHeadersOff(t *testing.T) {
	f := newThrottleFixture(t, nil)
	off := false
	f.cfg.Throttling.Headers = &off
	f.th, _ = NewThrottle(f.cfg, ThrottleOptions{})
	if ex, _ := f.send(t, "GET", "/orders/v1/1", caller{app: "plain"}); ex.MC.Resp.Header.Peek("X-RateLimit-Limit") != nil {
		t.Error("X-RateLimit-Limit set with throttling.headers false")
	}
}

func TestThrottleProbe(t *testing.T) {
	f := newThrottleFixture(t, nil)
	ctx := context.Background()
	for range 4 {
		f.send(t, "POST", "/orders/v1/bulk", caller{app: "apptiered"})
	}
	f.clk.advance(1500 * time.Millisecond)
	want := []ProbeLevel{
		{Level: "subscription", Key: "sub|carbon.super|Orders|v1|Two|app:apptiered", Tier: "Two", Limit: 2, Count: 2, Remaining: 0, ResetMS: 58500},
		{Level: "application", Key: "app|carbon.super|Three|app:apptiered", Tier: "Three", Limit: 3, Count: 2, Remaining: 1, ResetMS: 58500},
		{Level: "resource", Key: "res|carbon.super|Orders|v1|Three|POST /bulk", Tier: "Three", Limit: 3, Count: 2, Remaining: 1, ResetMS: 58500},
	}
	for _, subject := range []string{"apptiered", "apptiered"} { // twice: the probe counts nothing
		got, err := f.th.Probe(ctx, ProbeQuery{API: "Orders", Version: "v1", Subject: subject, Resource: "/bulk"})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("probe:\n got %+v %v\nwant %+v", got, err, want)
		}
	}
	got, err := f.th.Probe(ctx, ProbeQuery{Tenant: "abc.com", API: "Stock", Version: "1.0.0", Subject: "ip:10.0.0.1"})
	if err != nil || len(got) != 1 || got[0].Key != "sub|abc.com|Stock|1.0.0|Three|ip:10.0.0.1" || got[0].Count != 0 || got[0].Remaining != 3 {
		t.Errorf("fresh subject: %+v %v", got, err)
	}
	if _, err := f.th.Probe(ctx, ProbeQuery{API: "Nope", Version: "v1"}); err == nil {
		t.Error("unknown API: no error")
	}
	if pl, err := f.th.ProbeKey(ctx, "app|carbon.super|Three|app:apptiered"); err != nil || pl.Count != 2 {
		t.Errorf("raw key: %+v %v", pl, err)
	}
}

func TestThrottleConcurrent(t *testing.T) {
	f := newThrottleFixture(t, nil) // frozen clock: one window for the whole test
	var passed, refused atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, st := f.send(t, "GET", "/shared/v1/x", caller{ip: fmt.Sprintf("10.0.0.%d", g)}); st == 0 {
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

// BenchmarkThrottle is one request through HandleRequest and Complete on
// the memory store: subscription, application and resource levels.
func BenchmarkThrottle(b *testing.B) {
	f := newThrottleFixture(b, nil)
	for i := range f.cfg.Tiers {
		f.cfg.Tiers[i].Requests = 1 << 30 // never refuse: measure counting
	}
	ex := f.exchange(b, "POST", "/orders/v1/bulk")
	ex.App = f.apps["apptiered"]
	b.ReportAllocs()
	for b.Loop() {
		if !f.th.HandleRequest(ex) {
			b.Fatal("refused")
		}
		f.th.Complete(ex)
	}
}
