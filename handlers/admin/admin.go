// Package admin is the admin listener, on net/http where promhttp and pprof
// live: health, readiness, metrics and the per-tenant sequence status. It is
// bound to 127.0.0.1 by default because it reveals deployment details.
package admin

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"net/http/pprof"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/seqgate/seqgate/deploy"
)

// Handler returns the admin mux: probes, metrics, pprof, the repository's
// status and reload, the tenants' sequences (list, upload, delete) and the
// OpenAPI description of the whole admin API.
func Handler(repo *deploy.Repository, reg *prometheus.Registry) *Mux {
	mux := NewMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !repo.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("loading\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.HandleFunc("GET /admin/sequences", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"tenants": repo.Status()})
	})
	mux.HandleFunc("POST /admin/reload", func(w http.ResponseWriter, _ *http.Request) {
		repo.Reload()
		writeJSON(w, map[string]any{"tenants": repo.Status()})
	})
	seqs := sequenceAPI{repo: repo}
	mux.HandleFunc("GET /admin/tenants", seqs.tenants)
	mux.HandleFunc("GET /admin/tenants/{tenant}/sequences", seqs.list)
	mux.HandleFunc("GET /admin/tenants/{tenant}/sequences/{name}", seqs.get)
	mux.HandleFunc("PUT /admin/tenants/{tenant}/sequences/{name}", seqs.put)
	mux.HandleFunc("DELETE /admin/tenants/{tenant}/sequences/{name}", seqs.remove)
	mux.HandleFunc("GET /admin/tenants/{tenant}/sequences/{name}/source", seqs.source)
	mux.HandleFunc("POST /admin/tenants/{tenant}/sequences/{name}/validate", seqs.validate)
	Console(mux)
	mux.HandleFunc("GET /admin/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(OpenAPI)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// OpenAPI is the admin API's OpenAPI 3 description, served at
// GET /admin/openapi.yaml; a test checks it against the real handlers.
//
//go:embed openapi.yaml
var OpenAPI []byte

func writeJSON(w http.ResponseWriter, v any) { WriteJSON(w, http.StatusOK, v) }

// WriteJSON answers v as indented JSON with status; the admin endpoints
// of cmd/seqgate use it too, so every admin answer looks the same.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // compile errors name <elements>
	_ = enc.Encode(v)
}
