package admin

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRequireToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := RequireToken("0123456789abcdef-secret", ok)
	srv := httptest.NewServer(h)
	defer srv.Close()
	cases := []struct {
		name, path, auth string
		want             int
	}{
		{"probe healthz open", "/healthz", "", http.StatusTeapot},
		{"probe readyz open", "/readyz", "", http.StatusTeapot},
		{"admin without token", "/admin/sequences", "", http.StatusUnauthorized},
		{"metrics without token", "/metrics", "", http.StatusUnauthorized},
		{"wrong token", "/admin/sequences", "Bearer 0123456789abcdef-secreT", http.StatusUnauthorized},
		{"prefix of token", "/admin/sequences", "Bearer 0123456789abcdef", http.StatusUnauthorized},
		{"token without Bearer", "/admin/sequences", "0123456789abcdef-secret", http.StatusUnauthorized},
		{"right token", "/admin/sequences", "Bearer 0123456789abcdef-secret", http.StatusTeapot},
		{"pprof needs token", "/debug/pprof/", "", http.StatusUnauthorized},
		{"console page open", "/", "", http.StatusTeapot},
		{"console script open", "/console/console.js", "", http.StatusTeapot},
		{"below the console's files needs token", "/console/a/b", "", http.StatusUnauthorized},
		{"console query still the page", "/?x=1", "", http.StatusTeapot},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("status %d, want %d", resp.StatusCode, c.want)
			}
		})
	}
}

func TestRequireTokenEmptyIsOpen(t *testing.T) {
	next := http.NotFoundHandler()
	if got := RequireToken("", next); got == nil {
		t.Fatal("nil handler")
	}
	rec := httptest.NewRecorder()
	RequireToken("", next).ServeHTTP(rec, httptest.NewRequest("GET", "/admin/sequences", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("empty token: status %d, want the wrapped handler's 404", rec.Code)
	}
}

// TestRequireTokenConsoleGetOnly: only reads of the console's files pass
// without the token; any other method on the same paths needs it.
func TestRequireTokenConsoleGetOnly(t *testing.T) {
	h := RequireToken("0123456789abcdef-secret", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		for _, p := range []string{"/", "/console/console.js"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(m, p, nil))
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s without token: %d, want 401", m, p, rec.Code)
			}
		}
	}
}
