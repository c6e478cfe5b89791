package handlers

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/analytics"
	"github.com/seqgate/seqgate/handlers/ratelimit"
	"github.com/seqgate/seqgate/sequences"
)

// Throttle counts each request on every level that applies to it (see
// throttle_levels.go) in fixed windows: a tier of 10 requests per 1m allows
// 10 requests in the minute that starts with the first one. A request
// passes only if every level has room; it is then counted on all of them
// in one atomic Take, so a rejected request consumes nothing anywhere.
// Counters live in a ratelimit.Store (in memory, or Redis shared by a
// cluster); everything that depends only on the config is built here, so
// the request path only appends the subject to precomputed key parts.
type Throttle struct {
	store   ratelimit.Store
	health  *StoreHealth
	kind    string // throttling.store, for log lines
	closed  bool   // on_store_error: closed
	headers bool
	tiers   map[string]*config.Tier
	apis    map[*config.API]*apiLevels
	byName  map[string]*apiLevels  // "<tenant>|<name>|<version>", for the probe
	apps    map[string]*config.App // "<tenant>|<id or consumer key>", for the probe
	pool    sync.Pool              // *keys
	// throttled counts 429s by tenant, API and level; nil: not counted.
	throttled *prometheus.CounterVec
}

// ThrottleOptions are what outlives one config generation.
type ThrottleOptions struct {
	Store  ratelimit.Store // nil: a new in-memory store
	Health *StoreHealth    // nil: store failures are neither counted nor logged
	// Registry gets seqgate_throttled_requests_total; nil: not counted.
	Registry *prometheus.Registry
}

// RateLimit is what the throttle counted on the most constrained level of
// a request, for the X-RateLimit-* headers; zero when no level applied.
type RateLimit struct {
	Limit, Remaining int64
	Reset            time.Duration // until that level's window ends
}

// Headers the throttle sets on answers of throttled APIs.
const (
	HeaderRateLimitLimit     = "X-RateLimit-Limit"
	HeaderRateLimitRemaining = "X-RateLimit-Remaining"
	HeaderRateLimitReset     = "X-RateLimit-Reset"
)

// CodeThrottleUnavailable answers 503 when the throttle store cannot be
// reached and throttling.on_store_error is closed. seqgate's own code:
// API-M has none for this case (its 900800-900808 are taken).
const CodeThrottleUnavailable = "900809"

// PropThrottledOutReason is API-M's THROTTLED_OUT_REASON, set for
// _throttle_out_handler_ (e.g. SUBSCRIPTION_LIMIT_EXCEEDED).
const PropThrottledOutReason = "THROTTLED_OUT_REASON"

// NewThrottle builds the tier and level index of cfg.
func NewThrottle(cfg *config.Config, opts ThrottleOptions) (*Throttle, error) {
	t := &Throttle{store: opts.Store, health: opts.Health, kind: cfg.Throttling.Store,
		closed: cfg.Throttling.OnStoreError == config.FailClosed, headers: cfg.Throttling.HeadersEnabled(),
		tiers: map[string]*config.Tier{}, apis: map[*config.API]*apiLevels{},
		byName: map[string]*apiLevels{}, apps: map[string]*config.App{}}
	if t.store == nil {
		t.store = ratelimit.NewMemory(nil)
	}
	if opts.Registry != nil {
		// A reload builds a new Throttle on the same registry: it binds to
		// the counter already registered, so counts carry on.
		var err error
		if t.throttled, err = analytics.Register(opts.Registry, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seqgate_throttled_requests_total",
			Help: "Requests answered 429 by the throttle, by tenant, API and the level whose quota was spent (subscription, application, api, resource).",
		}, []string{"tenant", "api", "level"})); err != nil {
			return nil, err
		}
	}
	t.pool.New = func() any { return &keys{buf: make([]byte, 0, 512), subject: make([]byte, 0, 64)} }
	for i := range cfg.Tiers {
		t.tiers[cfg.Tiers[i].Name] = &cfg.Tiers[i]
	}
	defaults := map[string]*config.Tier{}
	for _, tn := range cfg.Tenants {
		defaults[tn.Domain], _ = t.tier(tn.DefaultTier)
	}
	for i := range cfg.APIs {
		a := &cfg.APIs[i]
		al := t.newAPILevels(cfg, a, defaults)
		t.apis[a] = al
		t.byName[a.Tenant+"|"+a.Name+"|"+a.Version] = al
	}
	for i := range cfg.Applications {
		a := &cfg.Applications[i]
		t.apps[a.Tenant+"|"+a.ConsumerKey] = a
		t.apps[a.Tenant+"|"+a.ID] = a // the id wins over another app's consumer key
	}
	return t, nil
}

// Name implements Handler.
func (*Throttle) Name() string { return "throttle" }

// HandleRequest counts the request, or answers 429 with Retry-After (503
// when the store fails and on_store_error is closed).
func (t *Throttle) HandleRequest(ex *Exchange) bool {
	api := ex.Match.API
	if api == nil {
		return true
	}
	al := t.apis[api.Cfg]
	if al == nil {
		return true
	}
	k := t.pool.Get().(*keys)
	defer t.pool.Put(k)
	k.reset()
	var res *config.Resource
	if ex.Match.Resource != nil {
		res = ex.Match.Resource.Cfg
	}
	t.collect(k, al, ex.App, &ex.Principal, k.setSubject(ex.App, &ex.Principal, ex.ClientIP), res)
	if k.n == 0 {
		return true
	}
	limits := k.finish()
	var r ratelimit.Result
	var err error
	if ex.MC.DryRun() {
		r, err = peekAll(context.Background(), t.store, limits)
	} else {
		r, err = t.store.Take(context.Background(), limits)
	}
	if err != nil {
		return t.storeFailed(ex, err)
	}
	t.health.ok(t.kind)
	ex.RateLimit = RateLimit{Limit: limits[r.Index].Max, Remaining: r.Remaining, Reset: r.Reset}
	if r.Allowed {
		return true
	}
	t.throttledOut(ex, k.refs[r.Index], r.Reset)
	return false
}

// storeFailed lets the request through (open) or answers 503 (closed).
func (t *Throttle) storeFailed(ex *Exchange, err error) bool {
	t.health.failed(err, t.kind, t.closed)
	if !t.closed {
		return true
	}
	WriteError(ex.MC, fasthttp.StatusServiceUnavailable, CodeThrottleUnavailable, "Throttling unavailable",
		"The throttling store cannot be reached; requests are refused until it is back")
	return false
}

// throttledOut answers 429 as API-M's ThrottleHandler does: ERROR_CODE
// 900800, THROTTLED_OUT_REASON, NEXT_ACCESS_UTC_TIME and Retry-After set,
// then the tenant's _throttle_out_handler_ (see faults.go). Retry-After is
// set on the JSON answer and, as API-M puts it in the transport headers,
// on the message an error sequence sends back.
func (t *Throttle) throttledOut(ex *Exchange, ref levelRef, wait time.Duration) {
	mc := ex.MC
	retry := strconv.Itoa(ceilSeconds(wait))
	mc.Resp.Header.Set(fasthttp.HeaderRetryAfter, retry)
	mc.SetHeader(fasthttp.HeaderRetryAfter, retry)
	mc.Props.Set(PropNextAccessTime, time.Now().Add(wait).UTC().Format(nextAccessLayout)+" UTC")
	reason := throttledReasons[ref.level]
	n, unit, what := ref.tier.Requests, ref.tier.Unit.D(), ""
	if ref.burst {
		n, unit, what = ref.tier.Burst.Requests, ref.tier.Burst.Unit.D(), " burst"
		reason = reason[:len(reason)-len("LIMIT_EXCEEDED")] + "BURST_LIMIT_EXCEEDED"
	}
	mc.Props.Set(PropThrottledOutReason, reason)
	if t.throttled != nil && !mc.DryRun() { // the throttled path only: a label lookup is fine here
		api := ex.Match.API
		t.throttled.WithLabelValues(api.Tenant.Domain, api.Name, levelNames[ref.level]).Inc()
	}
	sendHandlerFault(ex, sequences.ThrottleOutHandler, Fault{Status: fasthttp.StatusTooManyRequests,
		Code: CodeThrottledOut, Message: "Message throttled out",
		Detail: "You have exceeded your quota of " + strconv.Itoa(n) + " requests per " + unit.String() +
			" (" + levelNames[ref.level] + " level, tier " + ref.tier.Name + what + ")"},
		throttlingNS)
}

// ceilSeconds is d in whole seconds, rounded up, at least 1.
func ceilSeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}

// nextAccessLayout is the date format of NEXT_ACCESS_UTC_TIME (API-M's
// "yyyy-MMM-dd HH:mm:ssZ", followed by " UTC").
const nextAccessLayout = "2006-Jan-02 15:04:05-0700"

// HandleResponse implements Handler.
func (*Throttle) HandleResponse(*Exchange) bool { return true }

// Complete sets X-RateLimit-Limit, -Remaining and -Reset (seconds) on the
// final answer, whoever wrote it: the backend, a sequence, the 429.
func (t *Throttle) Complete(ex *Exchange) {
	rl := &ex.RateLimit
	if !t.headers || rl.Limit == 0 {
		return
	}
	h := &ex.MC.Resp.Header
	var b [20]byte
	h.SetBytesV(HeaderRateLimitLimit, strconv.AppendInt(b[:0], rl.Limit, 10))
	h.SetBytesV(HeaderRateLimitRemaining, strconv.AppendInt(b[:0], rl.Remaining, 10))
	h.SetBytesV(HeaderRateLimitReset, strconv.AppendInt(b[:0], int64(ceilSeconds(rl.Reset)), 10))
}

// peekAll decides as Take would, without counting: a dry-run shows the
// 429 a real request would get, and leaves every quota as it was.
// Remaining is what would be left had the request counted.
func peekAll(ctx context.Context, st ratelimit.Store, limits []ratelimit.Limit) (ratelimit.Result, error) {
	best := ratelimit.Result{Allowed: true, Remaining: -1}
	for i, l := range limits {
		c, err := st.Peek(ctx, string(l.Key))
		if err != nil {
			return ratelimit.Result{}, err
		}
		reset := c.Reset
		if c.Count == 0 {
			reset = l.Window
		}
		left := l.Max - c.Count
		if left <= 0 {
			return ratelimit.Result{Index: i, Reset: reset}, nil
		}
		if best.Remaining < 0 || left-1 < best.Remaining {
			best.Index, best.Remaining, best.Reset = i, left-1, reset
		}
	}
	return best, nil
}
