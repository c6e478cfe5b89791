package endpoint

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestStripResponseHop: what a backend said about its own connection
// (HTTP/1.0, Connection: close, Keep-Alive, Upgrade...) never reaches the
// client; the answer goes out as HTTP/1.1 and the client's connection
// stays open.
func TestStripResponseHop(t *testing.T) {
	cases := []struct{ name, raw string }{
		{"http/1.0 backend", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"},
		{"http/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok"},
		{"http/1.1 close", "HTTP/1.1 200 OK\r\nConnection: close\r\nTrailer: X\r\nUpgrade: h2c\r\nX-Kept: 1\r\nContent-Length: 2\r\n\r\nok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resp fasthttp.Response
			if err := resp.Read(bufio.NewReader(strings.NewReader(tc.raw))); err != nil {
				t.Fatal(err)
			}
			StripResponseHop(&resp.Header)
			if p := string(resp.Header.Protocol()); p != "HTTP/1.1" {
				t.Errorf("protocol %q, want HTTP/1.1", p)
			}
			if resp.ConnectionClose() {
				t.Error("the backend's Connection: close would close the client's connection")
			}
			for _, h := range []string{"Keep-Alive", "Trailer", "Upgrade", "Connection"} {
				if v := resp.Header.Peek(h); len(v) > 0 {
					t.Errorf("%s: %q passed on", h, v)
				}
			}
			if strings.Contains(tc.raw, "X-Kept") && string(resp.Header.Peek("X-Kept")) != "1" {
				t.Error("an end-to-end header was dropped")
			}
			if wire := resp.Header.String(); !strings.HasPrefix(wire, "HTTP/1.1 200 OK\r\n") {
				t.Errorf("status line %q", strings.SplitN(wire, "\r\n", 2)[0])
			}
		})
	}
}

// TestStripConnectionNamed: the headers a Connection header lists go too,
// in both directions, but never Host or the framing headers.
func TestStripConnectionNamed(t *testing.T) {
	var req fasthttp.Request
	raw := "GET / HTTP/1.1\r\nHost: h\r\nConnection: X-A, keep-alive\r\nConnection: x-b, Host, Content-Length\r\n" +
		"X-A: 1\r\nX-B: 2\r\nX-C: 3\r\nProxy-Authorization: Basic x\r\n\r\n"
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	StripRequestHop(&req.Header)
	for _, h := range []string{"X-A", "X-B", "Proxy-Authorization", "Connection"} {
		if v := req.Header.Peek(h); len(v) > 0 {
			t.Errorf("request %s: %q passed on", h, v)
		}
	}
	if string(req.Header.Peek("X-C")) != "3" || string(req.Header.Host()) != "h" {
		t.Errorf("request lost X-C or Host: %q", req.Header.String())
	}
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(strings.NewReader("HTTP/1.1 200 Fine\r\nConnection: X-A\r\nX-A: 1\r\n" +
		"Proxy-Authenticate: Basic\r\nContent-Length: 2\r\n\r\nok"))); err != nil {
		t.Fatal(err)
	}
	StripResponseHop(&resp.Header)
	for _, h := range []string{"X-A", "Proxy-Authenticate"} {
		if v := resp.Header.Peek(h); len(v) > 0 {
			t.Errorf("response %s: %q passed on", h, v)
		}
	}
	resp.SetStatusCode(502)
	if line := strings.SplitN(resp.Header.String(), "\r\n", 2)[0]; line != "HTTP/1.1 502 Bad Gateway" {
		t.Errorf("status line %q: the backend's reason phrase survived", line)
	}
}
