package gateway

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
)

func parseRaw(t testing.TB, raw string) *fasthttp.Request {
	t.Helper()
	req := &fasthttp.Request{}
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatalf("fasthttp refused the test request: %v", err)
	}
	return req
}

func TestCheckRequest(t *testing.T) {
	o := ServerOptions{Limits: config.Limits{MaxURIBytes: 64, MaxHeaderBytes: 200, MaxHeaders: 5}}.withDefaults()
	many := strings.Repeat("X-A: 1\r\n", 6)
	cases := []struct {
		name     string
		raw      string
		allowEnc bool
		want     int
	}{
		{"plain", "GET /orders/1.0.0/1 HTTP/1.1\r\nHost: x\r\n\r\n", false, 0},
		{"uri at limit", "GET /" + strings.Repeat("a", 63) + " HTTP/1.1\r\nHost: x\r\n\r\n", false, 0},
		{"uri over limit", "GET /" + strings.Repeat("a", 64) + " HTTP/1.1\r\nHost: x\r\n\r\n", false, 414},
		{"query counts in uri", "GET /a?" + strings.Repeat("q", 62) + " HTTP/1.1\r\nHost: x\r\n\r\n", false, 414},
		{"headers at count", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-A: 1\r\n", 4) + "\r\n", false, 0},
		{"too many headers", "GET / HTTP/1.1\r\nHost: x\r\n" + many + "\r\n", false, 431},
		{"headers too big", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 200) + "\r\n\r\n", false, 431},
		{"cl and te", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false, 400},
		{"te and cl lower case", "POST / HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\ncontent-length: 4\r\n\r\n0\r\n\r\n", false, 400},
		{"chunked alone", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false, 0},
		{"dot dot", "GET /a/../b HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"encoded dot dot", "GET /a/%2e%2E/b HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"trailing dot", "GET /a/. HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"three dots fine", "GET /a/.../b HTTP/1.1\r\nHost: x\r\n\r\n", false, 0},
		{"dotfile fine", "GET /a/.well-known HTTP/1.1\r\nHost: x\r\n\r\n", false, 0},
		{"encoded slash", "GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"encoded slash allowed", "GET /a%2fb HTTP/1.1\r\nHost: x\r\n\r\n", true, 0},
		{"encoded traversal allowed slashes", "GET /a/..%2F..%2Fetc HTTP/1.1\r\nHost: x\r\n\r\n", true, 400},
		{"encoded backslash", "GET /a%5Cb HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"encoded backslash traversal", "GET /a/..%5c..%5cb HTTP/1.1\r\nHost: x\r\n\r\n", true, 400},
		{"tenant traversal", "GET /t/..%2F..%2Fetc/x HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"encoded nul", "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"encoded crlf", "GET /a%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: x\r\n\r\n", false, 400},
		{"control chars in query fine", "GET /a?x=%0A HTTP/1.1\r\nHost: x\r\n\r\n", false, 0},
		{"malformed escape is literal", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oo := o
			oo.AllowEncodedSlashes = c.allowEnc
			st, _, desc := checkRequest(parseRaw(t, c.raw), &oo)
			if st != c.want {
				t.Errorf("status %d (%s), want %d", st, desc, c.want)
			}
		})
	}
}

func TestScanHeaders(t *testing.T) {
	req := parseRaw(t, "POST / HTTP/1.1\r\nHost: x\r\nA: 1\r\nContent-Length: 0\r\n\r\n")
	n, framing := scanHeaders(req.Header.RawHeaders())
	if n != 3 || framing != hasContentLength {
		t.Errorf("scanHeaders = %d, %b; want 3 headers, Content-Length only", n, framing)
	}
}

func BenchmarkCheckRequest(b *testing.B) {
	o := ServerOptions{}.withDefaults()
	req := parseRaw(b, "GET /orders/1.0.0/123?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bench\r\n"+
		"Accept: */*\r\napikey: 0123456789\r\nX-Req-Id: r1\r\n\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if st, _, _ := checkRequest(req, &o); st != 0 {
			b.Fatal(st)
		}
	}
}

// TestServerOptionsDefaults: a field set is kept, every zero one takes the
// config default (one source: config.Defaults through ServerOptionsFrom).
func TestServerOptionsDefaults(t *testing.T) {
	got := ServerOptions{Limits: config.Limits{MaxURIBytes: 64}, IdleTimeout: time.Second}.withDefaults()
	want := ServerOptionsFrom(config.Defaults())
	want.MaxURIBytes, want.IdleTimeout = 64, time.Second
	if got != want {
		t.Fatalf("withDefaults:\n got %+v\nwant %+v", got, want)
	}
	if want.MaxHeaders != config.DefaultMaxHeaders || want.ReadTimeout != config.DefaultReadTimeout.D() {
		t.Fatalf("config.Defaults: %+v", want)
	}
}
