package admin

import (
	"net/http"
	"slices"
	"strings"
)

// Mux is an http.ServeMux that remembers the patterns it serves, so the
// OpenAPI test can check that every mounted route is documented. Mounting
// another *Mux (under "/") takes over its patterns too.
type Mux struct {
	*http.ServeMux
	patterns []string
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern, as http.ServeMux does, and records it.
func (m *Mux) Handle(pattern string, h http.Handler) {
	if sub, ok := h.(*Mux); ok {
		m.patterns = append(m.patterns, sub.patterns...)
	} else {
		m.patterns = append(m.patterns, pattern)
	}
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers f for pattern and records it.
func (m *Mux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(f))
}

// Patterns lists every pattern registered, sorted, without duplicates.
func (m *Mux) Patterns() []string {
	out := slices.Clone(m.patterns)
	slices.Sort(out)
	return slices.Compact(out)
}

// ServeHTTP serves as http.ServeMux does, except that its own 404 and 405
// (no route for the path, or not for this method) are JSON like every
// other admin answer: {"error": "..."}, with the Allow header of a 405.
// A route that answers 404 itself (an unknown tenant) is not touched.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := m.ServeMux.Handler(r)
	if pattern != "" {
		m.ServeMux.ServeHTTP(w, r) // a route: served as the mux serves it (path values set)
		return
	}
	// No route: the mux's own answer (404, 405, or a redirect to the
	// cleaned path). Run it into a recorder and answer 404/405 as JSON.
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusNotFound:
		WriteJSON(w, rec.status, map[string]string{"error": "no admin route " + r.URL.Path + " (GET /admin/openapi.yaml lists them)"})
	case http.StatusMethodNotAllowed:
		allow := rec.header.Get("Allow")
		w.Header().Set("Allow", allow)
		WriteJSON(w, rec.status, map[string]string{"error": "method " + r.Method + " is not allowed on " + r.URL.Path + " (allowed: " + strings.ReplaceAll(allow, ",", ", ") + ")"})
	default:
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body)
	}
}

// statusRecorder keeps what the mux's fallback handler writes.
type statusRecorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *statusRecorder) Header() http.Header { return r.header }

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if len(r.body) < 4096 { // a redirect's short note; never a large body
		r.body = append(r.body, b...)
	}
	return len(b), nil
}
