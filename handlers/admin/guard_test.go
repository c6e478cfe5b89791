package admin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.1:9765": true, "127.1.2.3:1": true, "localhost": true, "LocalHost:80": true,
		"[::1]": true, "[::1]:9765": true, "[::ffff:127.0.0.1]:9765": true,
		"": false, "evil.example": false, "evil.example:9765": false, "localhost.evil.example:9765": false,
		"10.0.0.1:9765": false, "[::]:9765": false, "0.0.0.0:9765": false, "localhost:http": false,
		"127.0.0.1.nip.io:9765": false, "[fe80::1%lo]:9765": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	cases := []struct {
		origin, host string
		want         bool
	}{
		{"http://127.0.0.1:9765", "127.0.0.1:9765", true},
		{"http://localhost:9765", "127.0.0.1:9765", true},
		{"http://[::1]:9765", "localhost:9765", true},
		{"https://admin.example", "admin.example", true},
		{"http://localhost:3000", "localhost:9765", false},
		{"http://localhost", "localhost:9765", false},
		{"http://evil.example:9765", "127.0.0.1:9765", false},
		{"null", "127.0.0.1:9765", false},
		{"file://", "127.0.0.1:9765", false},
		{"http://127.0.0.1:9765/x", "127.0.0.1:9765", false},
	}
	for _, c := range cases {
		if got := sameOrigin(c.origin, c.host); got != c.want {
			t.Errorf("sameOrigin(%q, %q) = %v, want %v", c.origin, c.host, got, c.want)
		}
	}
}

// TestGuard: the status of each kind of request, with and without a token.
func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	cases := []struct {
		name, token, method, path, host string
		hdr                             []string
		want                            int
	}{
		{"loopback GET", "", "GET", "/admin/sequences", "127.0.0.1:9765", nil, 204},
		{"rebinding GET", "", "GET", "/admin/sequences", "evil.example:9765", nil, 403},
		{"rebinding probe", "", "GET", "/readyz", "evil.example:9765", nil, 204},
		{"any Host with a token", "t0123456789abcdef", "GET", "/admin/sequences", "evil.example:9765", nil, 204},
		{"cross-site GET passes", "", "GET", "/admin/sequences", "localhost", []string{"Sec-Fetch-Site", "cross-site"}, 204},
		{"cross-site POST", "", "POST", "/admin/reload", "localhost", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"cross-site POST with a token", "t0123456789abcdef", "POST", "/admin/reload", "localhost", []string{"Origin", "http://evil.example"}, 403},
		{"PATCH text/plain", "", "PATCH", "/x", "localhost", []string{"Content-Type", "Text/Plain; charset=utf-8"}, 415},
		{"bad Content-Type", "", "POST", "/x", "localhost", []string{"Content-Type", "a/b; ="}, 415},
		{"json POST", "", "POST", "/admin/dry-run", "localhost", []string{"Content-Type", "application/json"}, 204},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, strings.NewReader(""))
			r.Host = c.host
			for i := 0; i+1 < len(c.hdr); i += 2 {
				r.Header.Set(c.hdr[i], c.hdr[i+1])
			}
			w := httptest.NewRecorder()
			Guard(c.token, ok).ServeHTTP(w, r)
			if w.Code != c.want {
				t.Errorf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
			if w.Code != 204 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
				t.Errorf("refusal is not JSON: %s", w.Header().Get("Content-Type"))
			}
		})
	}
}
