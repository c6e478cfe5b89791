package admin

import (
	"net/http"
	"slices"
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
