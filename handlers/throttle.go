package handlers

import (
	"hash/maphash"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/sequences"
)

// Throttle counts requests per (API, application) against a tier in fixed
// windows: a tier of 10 requests per 1m allows 10 requests in the minute
// that starts with the first one. An application's tier overrides the
// API's; requests without an application are counted per client IP.
// Rejected requests do not consume quota. Counters live in sharded maps so
// concurrent requests rarely share a lock; windows that ended are swept
// from a shard at most once per sweepEvery, by the requests themselves (no
// background goroutine to stop).
type Throttle struct {
	tiers  map[string]*config.Tier
	shards [throttleShards]shard
	seed   maphash.Seed
	now    func() time.Time
}

const (
	throttleShards = 64
	sweepEvery     = time.Minute
)

type shard struct {
	mu        sync.Mutex
	windows   map[throttleKey]window
	lastSweep int64
}

type throttleKey struct {
	api *config.API
	app *config.App
	ip  netip.Addr // only when app is nil
}

type window struct {
	end   int64 // unix nanos when the window closes
	count int
}

// NewThrottle builds the tier index.
func NewThrottle(cfg *config.Config) (*Throttle, error) {
	t := &Throttle{tiers: map[string]*config.Tier{}, seed: maphash.MakeSeed(), now: time.Now}
	for i := range cfg.Tiers {
		t.tiers[cfg.Tiers[i].Name] = &cfg.Tiers[i]
	}
	for i := range t.shards {
		t.shards[i].windows = map[throttleKey]window{}
	}
	return t, nil
}

// Name implements Handler.
func (*Throttle) Name() string { return "throttle" }

// HandleRequest counts the request, or answers 429 with Retry-After.
func (t *Throttle) HandleRequest(ex *Exchange) bool {
	api := ex.Match.API
	if api == nil {
		return true
	}
	tier := api.Tier
	if ex.App != nil && ex.App.Tier != "" {
		tier = t.tiers[ex.App.Tier] // nil for Unlimited
	}
	if tier == nil {
		return true
	}
	k := throttleKey{api: api.Cfg, app: ex.App}
	if ex.App == nil {
		k.ip = ex.ClientIP
	}
	wait, ok := t.take(k, tier)
	if ok {
		return true
	}
	t.throttledOut(ex, tier, wait)
	return false
}

// throttledOut answers 429 as API-M's ThrottleHandler does: ERROR_CODE
// 900800, NEXT_ACCESS_UTC_TIME and Retry-After set, then the tenant's
// _throttle_out_handler_ (see faults.go). Retry-After is set on the JSON
// answer and, as API-M puts it in the transport headers, on the message an
// error sequence sends back.
func (t *Throttle) throttledOut(ex *Exchange, tier *config.Tier, wait time.Duration) {
	mc := ex.MC
	secs := int((wait + time.Second - 1) / time.Second)
	retry := strconv.Itoa(max(secs, 1))
	mc.Resp.Header.Set(fasthttp.HeaderRetryAfter, retry)
	mc.SetHeader(fasthttp.HeaderRetryAfter, retry)
	mc.Props.Set(PropNextAccessTime, t.now().Add(wait).UTC().Format(nextAccessLayout)+" UTC")
	sendHandlerFault(ex, sequences.ThrottleOutHandler, Fault{Status: fasthttp.StatusTooManyRequests,
		Code: CodeThrottledOut, Message: "Message throttled out",
		Detail: "You have exceeded your quota of " + strconv.Itoa(tier.Requests) + " requests per " + tier.Unit.D().String() + " (tier " + tier.Name + ")"},
		throttlingNS)
}

// nextAccessLayout is the date format of NEXT_ACCESS_UTC_TIME (API-M's
// "yyyy-MMM-dd HH:mm:ssZ", followed by " UTC").
const nextAccessLayout = "2006-Jan-02 15:04:05-0700"

// HandleResponse implements Handler.
func (*Throttle) HandleResponse(*Exchange) bool { return true }

// take counts one request for k if the window has room; otherwise it
// reports how long until the window ends.
func (t *Throttle) take(k throttleKey, tier *config.Tier) (time.Duration, bool) {
	sh := &t.shards[t.shardOf(k)]
	now := t.now().UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if now-sh.lastSweep > int64(sweepEvery) {
		sh.sweep(now)
	}
	w := sh.windows[k]
	if now >= w.end {
		w = window{end: now + int64(tier.Unit)}
	}
	if w.count >= tier.Requests {
		return time.Duration(w.end - now), false
	}
	w.count++
	sh.windows[k] = w
	return 0, true
}

func (t *Throttle) shardOf(k throttleKey) uint64 {
	h := maphash.String(t.seed, k.api.Name)
	if k.app != nil {
		h = h*31 + maphash.String(t.seed, k.app.ID)
	} else {
		h = h*31 + maphash.Comparable(t.seed, k.ip)
	}
	return h % throttleShards
}

// sweep drops the windows that have ended; the caller holds the lock.
func (sh *shard) sweep(now int64) {
	sh.lastSweep = now
	for k, w := range sh.windows {
		if now >= w.end {
			delete(sh.windows, k)
		}
	}
}

// Len returns the number of live counters (for tests and metrics).
func (t *Throttle) Len() int {
	n := 0
	for i := range t.shards {
		t.shards[i].mu.Lock()
		n += len(t.shards[i].windows)
		t.shards[i].mu.Unlock()
	}
	return n
}
