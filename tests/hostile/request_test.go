package hostile

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRequestLimits: the request line, the headers and the body are
// bounded, each with its documented status; the connection is closed.
func TestRequestLimits(t *testing.T) {
	g := startGateway(t, "")
	hdrs := func(n int) []string {
		h := make([]string, n)
		for i := range h {
			h[i] = "X-H: " + strings.Repeat("v", 8)
		}
		return h
	}
	cases := []struct {
		name string
		raw  string
		want int
	}{
		{"uri at limit", req("GET", "/echo/v1/"+strings.Repeat("a", 1024-len("/echo/v1/")), "Connection: close"), 200},
		{"uri over max_uri_bytes", req("GET", "/echo/v1/"+strings.Repeat("a", 1100)), 414},
		{"query over max_uri_bytes", req("GET", "/echo/v1/x?q="+strings.Repeat("a", 1100)), 414},
		{"request line over the read buffer", req("GET", "/echo/v1/"+strings.Repeat("a", 8000)), 431},
		{"headers at max_headers", req("GET", "/echo/v1/x", append(hdrs(18), "Connection: close")...), 200},
		{"headers over max_headers", req("GET", "/echo/v1/x", hdrs(21)...), 431},
		{"header over max_header_bytes", req("GET", "/echo/v1/x", "X-Big: "+strings.Repeat("b", 2100)), 431},
		{"headers over the read buffer", req("GET", "/echo/v1/x", "X-Big: "+strings.Repeat("b", 9000)), 431},
		{"body over max_body_bytes", req("POST", "/echo/v1/x", "Content-Length: 70000") + strings.Repeat("b", 70000), 413},
		{"chunked body over max_body_bytes", req("POST", "/echo/v1/x", "Transfer-Encoding: chunked") +
			strings.Repeat("2710\r\n"+strings.Repeat("c", 10000)+"\r\n", 7) + "0\r\n\r\n", 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send(t, g.traffic, c.raw, 2*time.Second)
			if r.status != c.want {
				t.Fatalf("status %d, want %d; body %q", r.status, c.want, r.body)
			}
			if c.want >= 400 && !r.closed {
				t.Errorf("connection left open after %d", c.want)
			}
			if c.want >= 400 && !strings.Contains(r.body, `"code":"`) {
				t.Errorf("error body is not the gateway's JSON error: %q", r.body)
			}
		})
	}
	g.bounded()
}

// TestSmuggling: requests whose length two parsers could read differently
// are refused with 400 and the connection closed, and never reach the
// backend (the bytes after them can't become a second request).
func TestSmuggling(t *testing.T) {
	g := startGateway(t, "")
	smuggled := "GET /echo/v1/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
	cases := []struct{ name, raw string }{
		{"content-length and transfer-encoding", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
		{"transfer-encoding then content-length", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled},
		{"duplicate differing content-length", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\n" + smuggled},
		{"duplicate equal content-length", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nContent-Length: 44\r\n\r\n" + smuggled},
		{"content-length list", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 44, 44\r\n\r\n" + smuggled},
		{"signed content-length", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: +44\r\n\r\n" + smuggled},
		{"invalid chunk size", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + smuggled},
		{"overflowing chunk size", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\n" + smuggled},
		{"unknown transfer-encoding", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled},
		{"transfer-encoding list", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + smuggled},
		{"space before colon", "POST /echo/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + smuggled},
		{"transfer-encoding on HTTP/1.0", "POST /echo/v1/x HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
		{"two host headers", "GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n" + smuggled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := g.hits.Load()
			r := send(t, g.traffic, c.raw, 2*time.Second)
			if r.status != 400 {
				t.Errorf("status %d, want 400; body %q", r.status, r.body)
			}
			if !r.closed {
				t.Error("connection left open: the smuggled bytes could be read as a request")
			}
			if n := g.hits.Load() - before; n != 0 {
				t.Errorf("the backend received %d request(s)", n)
			}
		})
	}
	g.bounded()
}

// TestChunkedTrailers: fields sent after a chunked body (trailers) are
// dropped before authentication and the backend call: an apikey sent only
// as a trailer does not authenticate (401), a trailer never reaches the
// backend (as a header or a trailer), however many; a trailer section is
// bounded by the read buffer like the header block (issue 13 item 8).
func TestChunkedTrailers(t *testing.T) {
	const key = "k-trailer-test-0001"
	g := startSpec(t, spec{
		extra: func(backend string) string {
			return fmt.Sprintf("  - {provider: admin, name: Keyed, version: v1, context: /keyed, tenant: carbon.super, auth: apikey, backend: [%q]}\n", backend+"/keyed") +
				"applications: [{name: TrailerApp, keys: [" + key + "]}]\n"
		},
	})
	chunked := func(headers []string, trailers ...string) string {
		h := append([]string{"Content-Type: text/plain", "Transfer-Encoding: chunked", "Connection: close"}, headers...)
		return req("POST", "/keyed/v1/x", h...) + "5\r\nhello\r\n0\r\n" + strings.Join(trailers, "") + "\r\n"
	}
	t.Run("apikey only as a trailer", func(t *testing.T) {
		before := g.hits.Load()
		r := send(t, g.traffic, chunked(nil, "apikey: "+key+"\r\n"), 5*time.Second)
		if r.status != 401 || g.hits.Load() != before {
			t.Errorf("status %d, backend calls %d; want 401 and none; body %q", r.status, g.hits.Load()-before, tail(r.body, 200))
		}
	})
	t.Run("announced apikey trailer", func(t *testing.T) {
		r := send(t, g.traffic, chunked([]string{"Trailer: apikey"}, "apikey: "+key+"\r\n"), 5*time.Second)
		if r.status != 401 {
			t.Errorf("status %d, want 401; body %q", r.status, tail(r.body, 200))
		}
	})
	t.Run("trailer fields do not reach the backend", func(t *testing.T) {
		g.last.Store(nil)
		r := send(t, g.traffic, chunked([]string{"apikey: " + key, "X-Kept: header"}, "X-Smuggled: trailer\r\n", "X-Kept: trailer\r\n"), 5*time.Second)
		if r.status != 200 {
			t.Fatalf("status %d, want 200; body %q", r.status, tail(r.body, 200))
		}
		got := g.last.Load()
		if got == nil {
			t.Fatal("the backend was not called")
		}
		if v := got.header.Values("X-Smuggled"); len(v) > 0 || len(got.trailer) > 0 {
			t.Errorf("backend received X-Smuggled %q, trailers %v; want neither", v, got.trailer)
		}
		if v := got.header.Values("X-Kept"); len(v) != 1 || v[0] != "header" {
			t.Errorf("backend received X-Kept %q, want only the header's value", v)
		}
		if got.body != "hello" {
			t.Errorf("backend received body %q, want hello", got.body)
		}
	})
	t.Run("body read by a sequence, trailer not forwarded", func(t *testing.T) {
		g.last.Store(nil)
		raw := req("POST", "/payload/v1/x", "Content-Type: application/xml", "Transfer-Encoding: chunked", "Connection: close") +
			"8\r\n<a>b</a>\r\n0\r\nX-Smuggled: trailer\r\n\r\n"
		r := send(t, g.traffic, raw, 5*time.Second)
		got := g.last.Load()
		if r.status != 200 || got == nil {
			t.Fatalf("status %d, backend called: %v; body %q", r.status, got != nil, tail(r.body, 200))
		}
		if v := got.header.Get("X-Smuggled"); v != "" || len(got.trailer) > 0 || got.body != "<a>b</a>" {
			t.Errorf("backend received X-Smuggled %q, trailers %v, body %q", v, got.trailer, got.body)
		}
	})
	t.Run("many trailer fields are dropped", func(t *testing.T) {
		g.last.Store(nil)
		var tr []string
		for i := 0; i < 40; i++ { // twice max_headers (20)
			tr = append(tr, fmt.Sprintf("X-T%d: v\r\n", i))
		}
		r := send(t, g.traffic, chunked([]string{"apikey: " + key}, tr...), 5*time.Second)
		if r.status != 200 && r.status != 431 {
			t.Fatalf("status %d, want 200 (dropped) or 431 (counted); body %q", r.status, tail(r.body, 200))
		}
		if got := g.last.Load(); r.status == 200 && (got == nil || got.header.Get("X-T0") != "" || len(got.trailer) > 0) {
			t.Errorf("backend request %+v: want no trailer field, as header or trailer", got)
		}
	})
	t.Run("trailer section over the read buffer", func(t *testing.T) {
		r := send(t, g.traffic, chunked([]string{"apikey: " + key}, "X-Big: "+strings.Repeat("b", 4000)+"\r\n"), 5*time.Second)
		if r.status < 400 || r.status >= 500 {
			t.Errorf("status %d, want a 4xx; body %q", r.status, tail(r.body, 200))
		}
	})
	g.alive()
}
