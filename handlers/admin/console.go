package admin

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// consoleFiles is the web console: plain HTML, CSS and JavaScript, no build
// step and no third-party code, embedded so the binary serves it with
// nothing else to install.
//
//go:embed console
var consoleFiles embed.FS

// consolePolicy keeps the console to its own files: scripts and styles
// only from the admin listener (no inline script, so an XSS in data
// rendered by the console cannot run), no framing (clickjacking), fetch
// only to the same origin.
const consolePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Console mounts the web console on mux: GET / is its page and
// GET /console/<file> its scripts and styles. They are the same public
// files in every binary and hold no data, so RequireToken lets them
// through (ConsolePath); every piece of data the page shows comes from the
// admin API with the token the operator typed in, under the same Guard.
func Console(mux *Mux) {
	sub, err := fs.Sub(consoleFiles, "console")
	if err != nil {
		panic("admin: console files: " + err.Error()) // embedded at build time
	}
	serve := func(w http.ResponseWriter, name string) {
		data, err := fs.ReadFile(sub, name)
		if err != nil || name == "" || strings.Contains(name, "/") {
			writeError(w, http.StatusNotFound, "no such console file")
			return
		}
		h := w.Header()
		switch {
		case strings.HasSuffix(name, ".html"):
			h.Set("Content-Type", "text/html; charset=utf-8")
		case strings.HasSuffix(name, ".css"):
			h.Set("Content-Type", "text/css; charset=utf-8")
		case strings.HasSuffix(name, ".js"):
			h.Set("Content-Type", "text/javascript; charset=utf-8")
		default:
			h.Set("Content-Type", "application/octet-stream")
		}
		h.Set("Content-Security-Policy", consolePolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(data)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { serve(w, "index.html") })
	mux.HandleFunc("GET /console/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if name == "index.html" {
			name = ""
		}
		serve(w, name)
	})
}

// ConsolePath reports whether a request is for one of the console's
// static files, which carry no data and are served without the token.
func ConsolePath(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.URL.Path == "/" || (strings.HasPrefix(r.URL.Path, "/console/") && !strings.Contains(r.URL.Path[len("/console/"):], "/"))
}
