package hostile

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBackendTimeout: backends that accept and never answer, or answer
// their headers and then stall the body, get 504 after timeouts.backend
// (1s here), for many concurrent requests at once; other APIs are served
// meanwhile and memory stays bounded.
func TestBackendTimeout(t *testing.T) {
	const perBackend = 50
	silent := stallingBackend(t, "")
	headersOnly := stallingBackend(t, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nstart of the body")
	lim := strings.Replace(limitsYAML, "backend: 5s", "backend: 1s", 1)
	g := startSpec(t, spec{limits: lim, apis: []apiSpec{
		{"Silent", "/silent", "http://" + silent}, {"Stall", "/stall", "http://" + headersOnly},
	}})

	type result struct {
		path string
		r    reply
	}
	results := make(chan result, 2*perBackend)
	var wg sync.WaitGroup
	for i := 0; i < perBackend; i++ {
		for _, p := range []string{"/silent/v1/x", "/stall/v1/x"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- result{p, send(t, g.traffic, req("GET", p, "Connection: close"), 8*time.Second)}
			}()
		}
	}
	time.Sleep(300 * time.Millisecond)
	g.alive() // another API is served while 100 backend calls hang
	wg.Wait()
	close(results)
	for res := range results {
		if res.r.status != 504 {
			t.Errorf("%s: status %d, want 504; body %q", res.path, res.r.status, tail(res.r.body, 200))
		}
		if res.r.took < 900*time.Millisecond || res.r.took > 4*time.Second {
			t.Errorf("%s: answered after %v, want about timeouts.backend (1s)", res.path, res.r.took.Round(time.Millisecond))
		}
	}
	t.Logf("after %d hanging backend calls: %s", 2*perBackend, g.mem())
	g.bounded()
}

// stallingBackend listens on loopback, reads what each connection sends,
// writes answer (possibly nothing) and then holds the connection open
// until the test ends. It returns host:port.
func stallingBackend(t *testing.T, answer string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				buf := make([]byte, 4096)
				if _, err := c.Read(buf); err == nil && answer != "" {
					_, _ = io.WriteString(c, answer)
				}
				_, _ = io.Copy(io.Discard, c) // hold until the gateway or the cleanup closes it
			}()
		}
	}()
	return l.Addr().String()
}
