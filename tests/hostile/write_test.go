package hostile

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bigBody is the size of the Big API's answer: more than the kernel
// buffers on both ends hold (the client's receive buffer is locked at
// 4 KiB; the gateway's send buffer grows to at most net.ipv4.tcp_wmem's
// 4 MiB, about 2.7 MiB measured here), so a client that does not read
// blocks the gateway's write.
const bigBody = 5 << 20

// TestWriteTimeout: clients that request a large answer and never read it
// are cut off after timeouts.write (1s here): each gets less than the
// whole answer and then the close. Other clients are served meanwhile and
// memory stays bounded (the gateway holds each answer until it gives up).
func TestWriteTimeout(t *testing.T) {
	const clients = 16
	if w := maxSendBuffer(t); w > bigBody-(512<<10) {
		t.Skipf("net.ipv4.tcp_wmem allows %d MiB send buffers: the kernel would absorb the %d MiB answer", w>>20, bigBody>>20)
	}
	body := strings.Repeat("b", bigBody)
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(be.Close)
	lim := strings.Replace(limitsYAML, "timeouts: {", "timeouts: {write: 1s, ", 1)
	g := startSpec(t, spec{limits: lim, apis: []apiSpec{{"Big", "/big", be.URL}}})

	conns := make([]net.Conn, 0, clients)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < clients; i++ {
		c := dialSmallWindow(t, g.traffic)
		conns = append(conns, c)
		if _, err := io.WriteString(c, req("GET", "/big/v1/x")); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	g.alive() // served while the gateway's writes to the readers block
	rss := g.rss()
	time.Sleep(2 * time.Second) // past timeouts.write
	t.Logf("VmRSS with %d blocked %d MiB answers: %d MiB; after the write timeout: %s", clients, bigBody>>20, rss>>20, g.mem())
	if rss > maxRSS {
		t.Errorf("VmRSS %d MiB while the writes block, bound %d MiB", rss>>20, maxRSS>>20)
	}

	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			n, err := drain(c, 5*time.Second)
			if err != nil {
				t.Errorf("after %d bytes: %v; want the gateway's close", n, err)
			} else if n >= int64(bigBody) {
				t.Errorf("got %d bytes, the whole answer: the gateway waited for the reader", n)
			}
		}(c)
	}
	wg.Wait()
	g.bounded()
}

// maxSendBuffer is the kernel's bound on a socket's send buffer.
func maxSendBuffer(t *testing.T) int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_wmem")
	if err != nil {
		t.Fatalf("reading tcp_wmem: %v", err)
	}
	f := strings.Fields(string(b))
	n, err := strconv.Atoi(f[len(f)-1])
	if err != nil {
		t.Fatalf("tcp_wmem %q: %v", b, err)
	}
	return n
}

// dialSmallWindow connects with a 4 KiB receive buffer set before the
// handshake, so the advertised window stays small.
func dialSmallWindow(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 2 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

// drain reads until EOF (nil error) or the deadline, returning the bytes read.
func drain(c net.Conn, wait time.Duration) (int64, error) {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	n, err := io.Copy(io.Discard, c)
	if err != nil && strings.Contains(err.Error(), "reset") {
		return n, nil // closed with data unsent: a reset is a close too
	}
	return n, err
}
