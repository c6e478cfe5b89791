package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Bounds of the background traffic: whichever comes first ends it.
const (
	trafficMaxRequests = 5000
	trafficMaxDuration = 25 * time.Second
	trafficWorkers     = 2
	trafficPause       = 2 * time.Millisecond
)

// traffic sends keyed GETs through a gateway while a test changes its
// sequences, and checks every answer: status 200 and a header value (as the
// backend echoes it) allowed by the phase(s) the request overlapped. A phase
// is one change: it allows the value before and the value after.
type traffic struct {
	g      *gateway
	header string // request header set by the sequences; read back as Echo-<header>
	client *http.Client

	phase    atomic.Int32
	total    atomic.Int64
	failed   atomic.Int64
	mu       sync.Mutex
	allowed  []map[string]bool // by phase
	failures []string          // first few, for the report

	stop chan struct{}
	wg   sync.WaitGroup
}

// startTraffic starts the workers; initial are the values allowed before
// the first change ("" is "header absent").
func startTraffic(g *gateway, header string, initial ...string) *traffic {
	tr := &traffic{g: g, header: header, client: newClient(), stop: make(chan struct{})}
	tr.allowed = append(tr.allowed, set(initial...))
	deadline := time.Now().Add(trafficMaxDuration)
	for w := 0; w < trafficWorkers; w++ {
		tr.wg.Add(1)
		go tr.work(deadline)
	}
	return tr
}

func set(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// next begins a phase allowing values (include the previous value: requests
// in flight may still see it).
func (tr *traffic) next(values ...string) {
	tr.mu.Lock()
	tr.allowed = append(tr.allowed, set(values...))
	tr.mu.Unlock()
	tr.phase.Add(1)
}

func (tr *traffic) work(deadline time.Time) {
	defer tr.wg.Done()
	for time.Now().Before(deadline) && tr.total.Add(1) <= trafficMaxRequests {
		select {
		case <-tr.stop:
			return
		default:
		}
		ps := int(tr.phase.Load())
		st, val, err := tr.once()
		pe := int(tr.phase.Load())
		tr.check(ps, pe, st, val, err)
		time.Sleep(trafficPause)
	}
}

func (tr *traffic) once() (int, string, error) {
	req, err := http.NewRequest("GET", tr.g.base+"/orders/1.0.0/1", nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("apikey", keyApp1)
	r, err := tr.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer r.Body.Close()
	_, err = io.Copy(io.Discard, r.Body)
	return r.StatusCode, r.Header.Get("Echo-" + tr.header), err
}

func (tr *traffic) check(ps, pe, status int, val string, err error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	ok := err == nil && status == http.StatusOK
	if ok {
		ok = false
		for p := ps; p <= pe; p++ {
			ok = ok || tr.allowed[p][val]
		}
	}
	if ok {
		return
	}
	tr.failed.Add(1)
	if len(tr.failures) < 10 {
		tr.failures = append(tr.failures, fmt.Sprintf("phases %d..%d: status %d, %s=%q, err %v", ps, pe, status, tr.header, val, err))
	}
}

// finish stops the workers and fails the test if any answer was wrong. It
// returns how many requests were sent.
func (tr *traffic) finish(t *testing.T) int64 {
	t.Helper()
	close(tr.stop)
	tr.wg.Wait()
	tr.client.CloseIdleConnections()
	sent := min(tr.total.Load(), trafficMaxRequests)
	if n := tr.failed.Load(); n > 0 {
		t.Errorf("%d of %d requests under hot deployment failed; first ones:\n%s", n, sent, strings.Join(tr.failures, "\n"))
	}
	return sent
}
