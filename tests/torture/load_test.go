package torture

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// load runs workers on both APIs until stop, counting and checking.
type load struct {
	base                 string
	client               *http.Client
	done                 chan struct{}
	wg                   sync.WaitGroup
	stableOK, stableFail atomic.Int64
	chgOK, chgFail       atomic.Int64
	mixed                atomic.Int64
	mu                   sync.Mutex
	errs                 []string
	versions             map[int]bool
}

func newLoad(base string) *load {
	tr := &http.Transport{MaxIdleConnsPerHost: 2 * workersPerAPI, IdleConnTimeout: 30 * time.Second}
	return &load{base: base, client: &http.Client{Transport: tr, Timeout: 10 * time.Second},
		done: make(chan struct{}), versions: map[int]bool{}}
}

func (l *load) start() {
	for i := 0; i < workersPerAPI; i++ {
		l.wg.Add(2)
		go l.loop(l.stable)
		go l.loop(l.changing())
	}
}

func (l *load) stop() {
	close(l.done)
	l.wg.Wait()
	l.client.CloseIdleConnections()
}

func (l *load) loop(one func()) {
	defer l.wg.Done()
	for {
		select {
		case <-l.done:
			return
		default:
			one()
		}
	}
}

func (l *load) get(path string) (*http.Response, error) {
	resp, err := l.client.Get(l.base + path)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func (l *load) stable() {
	resp, err := l.get("/stable/1.0.0/x")
	switch {
	case err != nil:
		l.fail(&l.stableFail, "stable: %v", err)
	case resp.StatusCode != 200 || resp.Header.Get("Echo-X-Stable") != "yes":
		l.fail(&l.stableFail, "stable: %d, X-Stable %q", resp.StatusCode, resp.Header.Get("Echo-X-Stable"))
	default:
		l.stableOK.Add(1)
	}
}

// changing returns one worker's request function; it remembers the newest
// version the worker saw, since versions never go back.
func (l *load) changing() func() {
	newest := -1
	return func() {
		resp, err := l.get("/chg/1.0.0/x")
		if err != nil {
			l.fail(&l.chgFail, "changing: %v", err)
			return
		}
		a, b, c := resp.Header.Get("Echo-X-Stamp-A"), resp.Header.Get("Echo-X-Stamp-B"), resp.Header.Get("X-Stamp-C")
		v, ok := stampNumber(c)
		switch {
		case resp.StatusCode != 200:
			l.fail(&l.chgFail, "changing: status %d", resp.StatusCode)
		case a != b || b != c || !ok || v%2 != 0:
			l.mixed.Add(1)
			l.fail(&l.chgFail, "changing: stamps A=%q B=%q C=%q are not one valid version", a, b, c)
		case v < newest:
			l.fail(&l.chgFail, "changing: version %d after %d", v, newest)
		default:
			newest = v
			l.chgOK.Add(1)
			l.mu.Lock()
			l.versions[v] = true
			l.mu.Unlock()
		}
	}
}

func (l *load) fail(n *atomic.Int64, format string, args ...any) {
	n.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) < 5 {
		l.errs = append(l.errs, fmt.Sprintf(format, args...))
	}
}

func (l *load) firstErr() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprint(l.errs)
}

func (l *load) report(t *testing.T, took time.Duration) {
	l.mu.Lock()
	versions := len(l.versions)
	l.mu.Unlock()
	total := l.stableOK.Load() + l.stableFail.Load() + l.chgOK.Load() + l.chgFail.Load()
	t.Logf("torture: %v; %d requests (%.0f/s); stable ok %d fail %d; changing ok %d fail %d (mixed %d); %d distinct versions served",
		took.Round(time.Millisecond), total, float64(total)/took.Seconds(), l.stableOK.Load(), l.stableFail.Load(),
		l.chgOK.Load(), l.chgFail.Load(), l.mixed.Load(), versions)
}

// warmUp runs the load for a moment so pools and caches exist, then takes
// the baseline with the load stopped.
func warmUp(t *testing.T, p *proc) runtimeFigures {
	l := newLoad(p.base)
	l.start()
	time.Sleep(time.Second)
	l.stop()
	time.Sleep(300 * time.Millisecond)
	var base runtimeFigures
	p.adminJSON("/admin/runtime?gc=1", &base)
	return base
}

// checkBaseline waits (up to 30s: idle server workers retire after 10s)
// for goroutines and live heap to come back near the baseline.
func checkBaseline(t *testing.T, p *proc, base runtimeFigures) {
	const goroutineSlack = 10
	heapLimit := base.HeapAlloc + base.HeapAlloc/2 + 8<<20
	var now runtimeFigures
	deadline := time.Now().Add(30 * time.Second)
	for {
		p.adminJSON("/admin/runtime?gc=1", &now)
		if now.Goroutines <= base.Goroutines+goroutineSlack && now.HeapAlloc <= heapLimit {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("not back to baseline after 30s: goroutines %d (baseline %d), heap %d (baseline %d, limit %d)",
				now.Goroutines, base.Goroutines, now.HeapAlloc, base.HeapAlloc, heapLimit)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("torture: goroutines %d → %d, heap_alloc %.1f MiB → %.1f MiB (after GC)",
		base.Goroutines, now.Goroutines, float64(base.HeapAlloc)/(1<<20), float64(now.HeapAlloc)/(1<<20))
}
