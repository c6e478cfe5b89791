package cluster

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/redistest"
)

// share is the uneven traffic split: of every 10 requests, 6 go to n1, 3
// to n2 and 1 to n3.
var share = [10]int{0, 0, 0, 0, 0, 0, 1, 1, 1, 2}

// tally counts one node's answers.
type tally struct {
	allowed, throttled, other int
	noRetryAfter              int
	firstOther                string
	remaining                 []int // X-RateLimit-Remaining of each 200, -1 when absent
}

// TestDistributedLimitAccuracy: three nodes share one Redis counter; 3·L
// requests from concurrent clients, spread 60/30/10 over the nodes, get
// exactly L answers 200 and 2·L answers 429. The store's check-and-count is
// one atomic Lua script, so the tolerance is zero. A window starts with
// the first request counted (handlers/ratelimit) and the test has its own
// redis-server, so one 1-minute window covers the whole run.
func TestDistributedLimitAccuracy(t *testing.T) {
	const (
		limit   = 300
		total   = 3 * limit
		clients = 12
	)
	rs := redistest.Start(t)
	// A generous timeout: this test is about atomicity, and a store call
	// that times out on a loaded CI machine would let a request through
	// uncounted (fail-open). storeErrors proves none did.
	c := startCluster(t, opts{redis: rs, onError: "open", limit: limit, timeout: "2s"})

	jobs := make(chan int, total)
	for i := range total {
		jobs <- share[i%len(share)]
	}
	close(jobs)
	var mu sync.Mutex
	tallies := make([]tally, nodeCount)
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for ni := range jobs {
				a := c.nodes[ni].get("/limited/v1/x")
				mu.Lock()
				tallies[ni].add(a)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	var allowed, throttled int
	for i, tl := range tallies {
		t.Logf("%s: sent %d, allowed %d, throttled %d, other %d",
			c.nodes[i].name, tl.allowed+tl.throttled+tl.other, tl.allowed, tl.throttled, tl.other)
		if tl.other > 0 {
			t.Errorf("%s: %d answers neither 200 nor 429, first: %s", c.nodes[i].name, tl.other, tl.firstOther)
		}
		if tl.noRetryAfter > 0 {
			t.Errorf("%s: %d answers 429 without a valid Retry-After (want 1..60 seconds)", c.nodes[i].name, tl.noRetryAfter)
		}
		if tl.allowed == 0 || tl.throttled == 0 {
			t.Errorf("%s: allowed %d, throttled %d: want both > 0 (the traffic must race on every node)",
				c.nodes[i].name, tl.allowed, tl.throttled)
		}
		allowed += tl.allowed
		throttled += tl.throttled
	}
	t.Logf("total: %d requests in %v (%.0f req/s), allowed %d of limit %d (error %+d, tolerance 0), throttled %d, backend saw %d",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), allowed, limit, allowed-limit, throttled, c.backend.hits.Load())
	if allowed != limit {
		t.Errorf("allowed %d requests across the cluster, want exactly %d (tolerance 0)\n%s", allowed, limit, c.logs())
	}
	if got := c.backend.hits.Load(); got != int64(allowed) {
		t.Errorf("backend received %d requests, want the %d allowed ones", got, allowed)
	}
	checkRemaining(t, tallies, limit)
	for _, n := range c.nodes {
		if v, ok := n.metric(storeErrorsMetric); !ok || v != 0 {
			t.Errorf("%s: %s = %v (present %v), want 0: every request must have been decided by Redis", n.name, storeErrorsMetric, v, ok)
		}
	}
}

// storeErrorsMetric counts throttle store calls that failed.
const storeErrorsMetric = "seqgate_throttle_store_errors_total"

// checkRemaining: each allowed request took its own slot of the shared
// counter, so the X-RateLimit-Remaining values of the 200s, whichever node
// sent them, are L-1 … 0, each exactly once.
func checkRemaining(t *testing.T, tallies []tally, limit int) {
	seen := make([]int, limit)
	for _, tl := range tallies {
		for _, r := range tl.remaining {
			if r < 0 || r >= limit {
				t.Errorf("an allowed answer has X-RateLimit-Remaining %d, want 0..%d (-1: missing or not a number)", r, limit-1)
				return
			}
			seen[r]++
		}
	}
	for r, n := range seen {
		if n != 1 {
			t.Errorf("X-RateLimit-Remaining %d was answered %d times across the cluster, want once", r, n)
		}
	}
}

func (tl *tally) add(a answer) {
	switch {
	case a.err == nil && a.status == http.StatusOK:
		tl.allowed++
		r, err := strconv.Atoi(a.header.Get("X-RateLimit-Remaining"))
		if err != nil {
			r = -1
		}
		tl.remaining = append(tl.remaining, r)
	case a.err == nil && a.status == http.StatusTooManyRequests:
		tl.throttled++
		if s, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			tl.noRetryAfter++
		}
	default:
		tl.other++
		if tl.firstOther == "" {
			tl.firstOther = "status " + strconv.Itoa(a.status)
			if a.err != nil {
				tl.firstOther = a.err.Error()
			}
		}
	}
}
