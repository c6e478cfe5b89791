package endpoint

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// BenchmarkReuseCheck is the per-request cost of the idle-connection check
// (one MSG_PEEK per reused connection): compare checked with plain.
func BenchmarkReuseCheck(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("ok") }}
	go func() { _ = srv.Serve(l) }()
	defer func() { _ = srv.Shutdown() }()
	for _, tc := range []struct {
		name string
		dial fasthttp.DialFuncWithTimeout
	}{{"plain", nil}, {"checked", dialChecked}} {
		b.Run(tc.name, func(b *testing.B) {
			c := &fasthttp.HostClient{Addr: l.Addr().String(), DialTimeout: tc.dial}
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.SetRequestURI("http://" + l.Addr().String() + "/x")
			b.ReportAllocs()
			for b.Loop() {
				if err := c.DoTimeout(req, resp, 5*time.Second); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestStaleConnRetried: a connection the backend closed while idle is
// replaced, and even a POST (not retried by fasthttp's default rule) goes
// out on a fresh connection, since nothing of it was written.
func TestStaleConnRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("ok") }, IdleTimeout: 50 * time.Millisecond}
	go func() { _ = srv.Serve(l) }()
	defer func() { _ = srv.Shutdown() }()
	c := &fasthttp.HostClient{Addr: l.Addr().String(), DialTimeout: dialChecked, RetryIfErr: retryStale}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("http://" + l.Addr().String() + "/x")
	req.Header.SetMethod("POST")
	for i := range 2 {
		if err := c.DoTimeout(req, resp, 5*time.Second); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		time.Sleep(200 * time.Millisecond) // the server closes the idle connection
	}
}

// BenchmarkPeek is the check alone on an idle loopback connection.
func BenchmarkPeek(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			time.Sleep(time.Minute)
			c.Close()
		}
	}()
	conn, err := dialChecked(l.Addr().String(), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	c := conn.(*checkedConn)
	b.ReportAllocs()
	for b.Loop() {
		if c.pending() {
			b.Fatal("nothing was sent")
		}
	}
}

// TestCheckedConnTLS: over TLS 1.3 (session tickets arrive after the
// handshake) a healthy keep-alive connection is reused, not closed as
// stale.
func TestCheckedConnTLS(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	c := &fasthttp.HostClient{Addr: addr, IsTLS: true, DialTimeout: dialChecked, RetryIfErr: retryStale,
		TLSConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}} //nolint:gosec // test server
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("https://" + addr + "/x")
	for i := range 5 {
		if err := c.DoTimeout(req, resp, 5*time.Second); err != nil || string(resp.Body()) != "ok" {
			t.Fatalf("request %d: %v %q", i, err, resp.Body())
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d TLS connections for 5 sequential requests, want 1", n)
	}
}

// TestUnsolicitedAfterReadDeadline: the idle-connection check still runs
// when the connection's read deadline has passed while it sat idle (with
// lazily armed deadlines the socket keeps the last call's deadline): bytes
// the backend sent meanwhile are never read as the next answer.
func TestUnsolicitedAfterReadDeadline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nreal")
					time.Sleep(20 * time.Millisecond) // answered and pooled: now the extra one
					_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nINJECTED")
				}
			}()
		}
	}()
	c := &fasthttp.HostClient{Addr: l.Addr().String(), DialTimeout: dialChecked, RetryIfErr: retryStale}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("http://" + l.Addr().String() + "/x")
	for i := range 3 {
		if err := c.DoTimeout(req, resp, 100*time.Millisecond); err != nil || string(resp.Body()) != "real" {
			t.Fatalf("request %d: %v %q, want the real answer", i, err, resp.Body())
		}
		time.Sleep(300 * time.Millisecond) // past the call's read deadline, with the extra answer pending
	}
}
