package endpoint

import (
	"net"
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
