package hostile

import (
	"testing"
	"time"
)

// TestPathTricks: dot segments, encoded slashes and backslashes, control
// characters and tenant domains that are not domain names are refused or
// not found; none reaches a backend or another tenant's API. Routing never
// maps a path to a file, so no answer can come from outside the repository.
func TestPathTricks(t *testing.T) {
	g := startGateway(t, "")
	cases := []struct {
		name, path string
		want       int
	}{
		{"dot dot", "/echo/v1/../v1/x", 400},
		{"encoded dot dot", "/echo/v1/%2e%2e/v1/x", 400},
		{"mixed case encoded dot", "/echo/v1/.%2E/x", 400},
		{"single dot", "/echo/v1/./x", 400},
		{"encoded slash", "/echo/v1/a%2Fb", 400},
		{"encoded slash traversal", "/echo/v1/..%2F..%2Fsecret/v1", 400},
		{"encoded backslash traversal", "/echo/v1/..%5C..%5Cx", 400},
		{"raw backslash", "/echo/v1/..\\..\\x", 400},
		{"tenant traversal", "/t/..%2F..%2Fetc/x", 400},
		{"tenant dot dot", "/t/acme.com/../../echo/v1/x", 400},
		{"tenant is dot dot", "/t/../echo/v1/x", 400},
		{"encoded nul", "/echo/v1/a%00.xml", 400},
		{"encoded crlf", "/echo/v1/a%0d%0aX-Injected:%201", 400},
		{"tenant domain upper case", "/t/ACME.com/secret/v1/x", 404},
		{"tenant domain not a domain", "/t/acme.com%00/secret/v1/x", 400},
		{"tenant domain with port", "/t/acme.com:80/secret/v1/x", 404},
		{"super tenant API under a tenant", "/t/acme.com/echo/v1/x", 404},
		{"tenant API without tenant", "/secret/v1/x", 404},
		{"empty tenant", "/t//secret/v1/x", 404},
		{"double slash", "//echo/v1/x", 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := g.hits.Load()
			r := send(t, g.traffic, req("GET", c.path, "Connection: close"), 2*time.Second)
			if r.status != c.want {
				t.Errorf("status %d, want %d; body %q", r.status, c.want, r.body)
			}
			if n := g.hits.Load() - before; n != 0 {
				t.Errorf("the backend received %d request(s)", n)
			}
		})
	}
	t.Run("raw NUL in the request line", func(t *testing.T) {
		r := send(t, g.traffic, "GET /echo/v1/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 2*time.Second)
		if r.status != 400 || !r.closed {
			t.Errorf("status %d closed %v, want 400 and closed", r.status, r.closed)
		}
	})
	t.Run("tenant API still served", func(t *testing.T) {
		r := send(t, g.traffic, req("GET", "/t/acme.com/secret/v1/x", "Connection: close"), 2*time.Second)
		if r.status != 200 || r.body != "backend saw /secret/x" {
			t.Errorf("status %d body %q", r.status, r.body)
		}
	})
	g.bounded()
}
