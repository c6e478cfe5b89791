package hostile

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSlowloris: clients that send their headers a byte at a time, or
// nothing at all, are cut off by timeouts.header_read (1s here) while
// normal requests keep being served.
func TestSlowloris(t *testing.T) {
	g := startGateway(t, "")
	const clients = 50
	var wg sync.WaitGroup
	took := make(chan time.Duration, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(silent bool) {
			defer wg.Done()
			took <- slowClient(t, g.traffic, silent)
		}(i%5 == 0)
	}
	time.Sleep(300 * time.Millisecond)
	g.alive() // served while the slow clients hold their connections
	wg.Wait()
	close(took)
	for d := range took {
		if d > 3*time.Second {
			t.Errorf("a slow client kept its connection %v; header_read is 1s", d.Round(time.Millisecond))
		}
	}
	g.bounded()
}

// slowClient sends a request line and then one header byte every 200ms
// (or nothing when silent) until the server closes the connection, and
// returns how long that took (capped at 10s).
func slowClient(t *testing.T, addr string, silent bool) time.Duration {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Errorf("dial: %v", err)
		return 0
	}
	defer c.Close()
	start := time.Now()
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, c) // returns when the server closes
		close(closed)
	}()
	if !silent {
		_, _ = io.WriteString(c, "GET /echo/v1/x HTTP/1.1\r\nHost: x\r\n")
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for time.Since(start) < 10*time.Second {
		select {
		case <-closed:
			return time.Since(start)
		case <-tick.C:
			if !silent {
				_, _ = io.WriteString(c, "X")
			}
		}
	}
	return time.Since(start)
}

// TestIdleKeepAlive: a keep-alive connection that sends nothing after its
// request is closed after timeouts.idle (1s here).
func TestIdleKeepAlive(t *testing.T) {
	g := startGateway(t, "")
	c, err := net.Dial("tcp", g.traffic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, req("GET", "/echo/v1/x")); err != nil {
		t.Fatal(err)
	}
	r := readReply(c, start, 4*time.Second)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if !r.closed {
		t.Fatal("idle keep-alive connection still open after 4s; timeouts.idle is 1s")
	}
	if r.took < 900*time.Millisecond || r.took > 3*time.Second {
		t.Errorf("closed after %v, want about timeouts.idle (1s)", r.took.Round(time.Millisecond))
	}
	g.bounded()
}

// TestSlowBody: a client that sends its headers and then its body slowly
// is cut off by timeouts.read (5s here), with 408.
func TestSlowBody(t *testing.T) {
	g := startGateway(t, "")
	c, err := net.Dial("tcp", g.traffic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, _ = io.WriteString(c, req("POST", "/echo/v1/x", "Content-Length: 1000"))
	for i := 0; i < 3; i++ { // within header_read of the headers: the body timeout must apply, not header_read
		time.Sleep(400 * time.Millisecond)
		_, _ = io.WriteString(c, strings.Repeat("b", 10))
	}
	r := readReply(c, start, 8*time.Second)
	if r.status != 408 || !r.closed {
		t.Fatalf("status %d closed %v, want 408 and closed", r.status, r.closed)
	}
	if r.took < 4*time.Second || r.took > 7*time.Second {
		t.Errorf("cut off after %v, want about timeouts.read (5s)", r.took.Round(time.Millisecond))
	}
	g.bounded()
}
