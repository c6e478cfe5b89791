package hostile

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMaxConns: with limits.max_conns at 50, fifty keep-alive connections
// are served and held; every connection beyond them gets fasthttp's 503
// and is closed; memory stays bounded; once the fifty close, normal
// requests are served again.
func TestMaxConns(t *testing.T) {
	const limit, extra = 50, 20
	lim := strings.Replace(limitsYAML, "limits:\n", "limits:\n  max_conns: 50\n", 1)
	lim = strings.Replace(lim, "header_read: 1s", "header_read: 10s", 1)
	lim = strings.Replace(lim, "idle: 1s", "idle: 10s", 1) // the held connections must outlive the test
	g := startSpec(t, spec{limits: lim})

	held := make([]net.Conn, 0, limit)
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := 0; i < limit; i++ {
		c, st := keepAlive(t, g.traffic)
		held = append(held, c)
		if st != 200 {
			t.Fatalf("connection %d of max_conns %d: status %d, want 200", i+1, limit, st)
		}
	}

	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < extra; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := send(t, g.traffic, req("GET", "/echo/v1/x"), 3*time.Second)
			if !r.closed {
				t.Errorf("a connection over max_conns was left open (status %d)", r.status)
			}
			mu.Lock()
			statuses[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[503] != extra {
		t.Errorf("connections over max_conns got %v, want 503 × %d", statuses, extra)
	}
	t.Logf("with %d connections held and %d refused: %s", limit, extra, g.mem())

	for _, c := range held {
		c.Close()
	}
	held = held[:0]
	waitServed(t, g)
	g.bounded()
}

// keepAlive opens a connection, sends one keep-alive request, reads the
// answer and returns the connection still open with the status.
func keepAlive(t *testing.T, addr string) (net.Conn, int) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, req("GET", "/echo/v1/held")); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return c, 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = c.SetDeadline(time.Time{})
	return c, resp.StatusCode
}

// waitServed waits (2 s at most) until the freed connection slots serve a
// normal request: the server notices a client's close on its next read.
func waitServed(t *testing.T, g *gateway) {
	t.Helper()
	var r reply
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r = send(t, g.traffic, req("GET", "/echo/v1/x", "Connection: close"), 2*time.Second); r.status == 200 {
			return
		}
	}
	t.Fatalf("after the held connections closed: status %d, want 200", r.status)
}
