package admin

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestConsoleFiles: the page and its files are served with a policy that
// keeps them to their own origin and out of frames; nothing else is.
func TestConsoleFiles(t *testing.T) {
	mux := NewMux()
	Console(mux)
	for _, c := range []struct {
		path, ctype string
		status      int
	}{
		{"/", "text/html", 200}, {"/console/console.js", "text/javascript", 200}, {"/console/console.css", "text/css", 200},
		{"/console/index.html", "", 404}, {"/console/nope.js", "", 404}, {"/console/../admin/openapi.yaml", "", 404},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		if rec.Code != c.status && !(c.status == 404 && rec.Code/100 == 3) { // a dot segment: the mux redirects to the clean path
			t.Errorf("GET %s: %d, want %d", c.path, rec.Code, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, c.ctype) {
			t.Errorf("GET %s: Content-Type %q", c.path, ct)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", c.path, csp)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: headers %v", c.path, rec.Header())
		}
	}
}
