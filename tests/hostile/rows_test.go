package hostile

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestHeaderReadStatus: a client that stops in the middle of its headers
// gets 408 and the close after timeouts.header_read (1s here), the status
// SECURITY.md documents (TestSlowloris checks the timing under load).
func TestHeaderReadStatus(t *testing.T) {
	g := startGateway(t, "")
	c, err := net.Dial("tcp", g.traffic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, _ = io.WriteString(c, "GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nX-Half: ")
	r := readReply(c, start, 4*time.Second)
	if r.status != 408 || !r.closed {
		t.Fatalf("status %d closed %v, want 408 and closed", r.status, r.closed)
	}
	if r.took < 900*time.Millisecond || r.took > 3*time.Second {
		t.Errorf("cut off after %v, want about timeouts.header_read (1s)", r.took.Round(time.Millisecond))
	}
	g.bounded()
}

// TestMalformedRequests: request lines and headers that are not HTTP/1.1
// get 400 (505 for an unknown protocol version, fasthttp's plain-text
// answer) and the close, and never reach a backend.
func TestMalformedRequests(t *testing.T) {
	g := startGateway(t, "")
	cases := []struct {
		name, raw string
		want      int
	}{
		{"no protocol", "GET /echo/v1/x\r\nHost: x\r\n\r\n", 400},
		{"unknown protocol version", "GET /echo/v1/x HTTP/9.9\r\nHost: x\r\n\r\n", 505},
		{"no target", "GET  HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"header without colon", "GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400},
		{"control character in a header value", "GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := g.hits.Load()
			r := send(t, g.traffic, c.raw, 2*time.Second)
			if r.status != c.want || !r.closed {
				t.Errorf("status %d closed %v, want %d and closed; body %q", r.status, r.closed, c.want, r.body)
			}
			if n := g.hits.Load() - before; n != 0 {
				t.Errorf("the backend received %d request(s)", n)
			}
		})
	}
	g.bounded()
}

// TestEncodedSlashesAllowed: with limits.allow_encoded_slashes, %2F and
// %5C reach the backend as sent, but a dot segment spelled with them is
// still refused.
func TestEncodedSlashesAllowed(t *testing.T) {
	lim := strings.Replace(limitsYAML, "limits:\n", "limits:\n  allow_encoded_slashes: true\n", 1)
	g := startSpec(t, spec{limits: lim})
	cases := []struct {
		name, path string
		want       int
		body       string
	}{
		{"encoded slash", "/echo/v1/a%2Fb", 200, "backend saw /echo/a%2Fb"},
		{"encoded backslash", "/echo/v1/a%5Cb", 200, "backend saw /echo/a%5Cb"},
		{"encoded slash traversal", "/echo/v1/..%2F..%2Fsecret/v1", 400, ""},
		{"encoded backslash traversal", "/echo/v1/..%5C..%5Cx", 400, ""},
		{"dot dot", "/echo/v1/../v1/x", 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send(t, g.traffic, req("GET", c.path, "Connection: close"), 2*time.Second)
			if r.status != c.want || !strings.Contains(r.body, c.body) {
				t.Errorf("status %d body %q, want %d with %q", r.status, r.body, c.want, c.body)
			}
		})
	}
	g.bounded()
}
