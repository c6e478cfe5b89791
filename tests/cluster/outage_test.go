package cluster

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/redistest"
)

// TestRedisOutage takes the shared Redis away while three nodes serve,
// then brings it back (empty: the test server has no persistence, like the
// Kubernetes base's Redis). While it is down every node answers as
// throttling.on_store_error says, quickly, and says so in its log; once it
// is back every node enforces the shared quota again.
func TestRedisOutage(t *testing.T) {
	const limit = 20
	cases := []struct {
		name, onError string
		downStatus    int
	}{
		{"fail-open", "open", http.StatusOK},
		{"fail-closed", "closed", http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs := redistest.Start(t)
			c := startCluster(t, opts{redis: rs, onError: tc.onError, limit: limit})

			// Up: the quota is shared, so L requests spread over the nodes
			// exhaust it on every node.
			for i := range limit {
				if a := c.nodes[i%nodeCount].get("/limited/v1/up"); a.err != nil || a.status != http.StatusOK {
					t.Fatalf("request %d of %d before the outage: %v, want 200\n%s", i+1, limit, describe(a), c.logs())
				}
			}
			c.expectEvery(t, "quota used up before the outage", http.StatusTooManyRequests)
			c.expectStoreUp(t, 1)

			rs.Stop()
			start := time.Now()
			var slowest time.Duration
			for range 4 {
				slowest = max(slowest, c.expectEvery(t, "redis down", tc.downStatus))
			}
			t.Logf("redis down: 4 rounds over the nodes answered %d in %v, slowest answer %v (redis.timeout 200ms)",
				tc.downStatus, time.Since(start).Round(time.Millisecond), slowest.Round(time.Millisecond))
			if slowest > time.Second {
				t.Errorf("redis down: an answer took %v; a store call is bounded by redis.timeout (200ms)", slowest)
			}
			for _, n := range c.nodes {
				waitFor(t, n.name+" logging that the throttle store is down", 5*time.Second, func() bool {
					return storeDownLogged(n.proc.Stderr.String())
				})
			}
			c.expectStoreUp(t, 0)

			if err := rs.Start(); err != nil {
				t.Fatalf("restarting redis: %v", err)
			}
			allowed, took := c.recover(t, limit)
			t.Logf("redis back: every node enforcing the shared quota again after %v; %d requests allowed after the restart (limit %d)",
				took.Round(time.Millisecond), allowed, limit)
			switch {
			case tc.onError == "closed" && allowed != limit:
				// A refused request is never counted: the counter restarts at
				// zero and admits exactly L.
				t.Errorf("fail-closed: %d requests allowed after the restart, want exactly %d", allowed, limit)
			case allowed < limit:
				t.Errorf("%d requests allowed after the restart, want at least %d (counters restart at zero)", allowed, limit)
			}
			c.expectStoreUp(t, 1)
		})
	}
}

// expectEvery sends one request to every node and expects status from
// each; it returns the slowest answer's time.
func (c *cluster) expectEvery(t *testing.T, phase string, status int) time.Duration {
	t.Helper()
	var slowest time.Duration
	for _, n := range c.nodes {
		start := time.Now()
		a := n.get("/limited/v1/probe")
		slowest = max(slowest, time.Since(start))
		if a.err != nil || a.status != status {
			t.Fatalf("%s: %s answered %s, want %d\n%s", phase, n.name, describe(a), status, c.logs())
		}
	}
	return slowest
}

// recover sends requests round-robin after Redis came back until a whole
// round is throttled (every node sees the shared counter full again). It
// returns how many were allowed meanwhile and how long it took.
func (c *cluster) recover(t *testing.T, limit int) (allowed int, took time.Duration) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 10*time.Second {
		throttled := 0
		for _, n := range c.nodes {
			a := n.get("/limited/v1/back")
			switch {
			case a.err != nil:
				t.Fatalf("after the restart: %s: %v", n.name, a.err)
			case a.status == http.StatusOK:
				allowed++
			case a.status == http.StatusTooManyRequests:
				throttled++
			}
		}
		if throttled == nodeCount {
			return allowed, time.Since(start)
		}
		if allowed > 100*limit {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("nodes did not enforce the quota again within 10s of redis returning (%d allowed)\n%s", allowed, c.logs())
	return 0, 0
}

// storeDownLogged reports whether a node's log has a warning or error
// about its throttle store or Redis.
func storeDownLogged(log string) bool {
	for _, l := range strings.Split(log, "\n") {
		low := strings.ToLower(l)
		if (strings.Contains(low, `"level":"warn"`) || strings.Contains(low, `"level":"error"`)) &&
			(strings.Contains(low, "redis") || strings.Contains(low, "store")) {
			return true
		}
	}
	return false
}

// storeUpMetric is the gauge the throttle store exports on /metrics.
const storeUpMetric = "seqgate_throttle_store_up"

// expectStoreUp checks every node's storeUpMetric, waiting up to 3 s for
// want; a binary without the metric only gets a log line saying so.
func (c *cluster) expectStoreUp(t *testing.T, want float64) {
	t.Helper()
	for _, n := range c.nodes {
		got, ok := n.metric(storeUpMetric)
		if !ok {
			t.Logf("%s: no %s on /metrics; not checked", n.name, storeUpMetric)
			return
		}
		deadline := time.Now().Add(3 * time.Second)
		for got != want && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			got, _ = n.metric(storeUpMetric)
		}
		if got != want {
			t.Errorf("%s: %s = %v, want %v", n.name, storeUpMetric, got, want)
		}
	}
}

// metric reads an unlabelled gauge or counter from the node's admin /metrics.
func (n *node) metric(name string) (float64, bool) {
	r, err := client.Get("http://" + n.admin + "/metrics")
	if err != nil {
		return 0, false
	}
	defer r.Body.Close()
	sc := bufio.NewScanner(io.LimitReader(r.Body, 4<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && (f[0] == name || strings.HasPrefix(f[0], name+"{")) {
			v, err := strconv.ParseFloat(f[1], 64)
			return v, err == nil
		}
	}
	return 0, false
}

func describe(a answer) string {
	if a.err != nil {
		return a.err.Error()
	}
	return strconv.Itoa(a.status) + " " + http.StatusText(a.status)
}
