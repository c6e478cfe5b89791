package main

import (
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/admin"
	"github.com/seqgate/seqgate/handlers/dryrun"
	"github.com/seqgate/seqgate/handlers/explain"
	"github.com/seqgate/seqgate/handlers/gateway"
)

// adminHandler adds to the admin API what belongs to the process rather
// than to the repository: readiness that turns 503 while draining, config
// reloads, TLS certificate status and runtime figures (goroutines, heap)
// that soak tests compare against a baseline.
func (s *server) adminHandler(base http.Handler) *admin.Mux {
	mux := admin.NewMux()
	mux.Handle("/", base)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("draining\n"))
			return
		}
		base.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /admin/runtime", s.runtimeStatus)
	s.rt.Bundles().Routes(mux) // /admin/bundles
	mux.HandleFunc("GET /admin/throttle", s.throttleProbe)
	mux.Handle("POST /admin/dry-run", dryrun.Handler(s.rt.Switch().Handle))
	mux.Handle("GET /admin/traces/{id}", s.rt.Debug().TracesHandler())
	mux.HandleFunc("GET /admin/apis", s.apis)
	mux.HandleFunc("GET /admin/explain", s.explain)
	mux.HandleFunc("GET /admin/listeners", s.listeners)
	mux.HandleFunc("GET /admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		faults := []handlers.FaultRecord{}
		if f := s.rt.Faults(); f != nil {
			faults = append(faults, f.Recent()...)
		}
		writeJSON(w, http.StatusOK, map[string]any{"faults": faults})
	})
	mux.HandleFunc("GET /admin/config", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.configStatus())
	})
	mux.HandleFunc("POST /admin/config/reload", func(w http.ResponseWriter, _ *http.Request) {
		status := http.StatusOK
		if err := s.reload("admin API"); err != nil {
			status = http.StatusUnprocessableEntity
		}
		writeJSON(w, status, s.configStatus())
	})
	mux.HandleFunc("GET /admin/tls", func(w http.ResponseWriter, _ *http.Request) {
		certs := []gateway.CertStatus{}
		cs := s.rt.Certs()
		if cs != nil {
			certs = cs.Status()
		}
		writeJSON(w, http.StatusOK, map[string]any{"enabled": cs != nil, "certificates": certs})
	})
	return mux
}

// apis lists every API of the running config with its resources, auth,
// tiers and the sequences that apply, each with its file and state.
func (s *server) apis(w http.ResponseWriter, _ *http.Request) {
	list, err := explain.APIs(explain.Input{Config: s.rt.Config(), ConfigFile: s.path, Repo: s.rt.Repo()})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"apis": list})
}

// explain answers what `seqgate explain -json <tenant> <method> <path>`
// prints, for the running config and repository: the web console's
// Explain page asks it.
func (s *server) explain(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	method, path := q.Get("method"), q.Get("path")
	if method == "" || path == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "explain: method and path are required (?tenant=&method=&path=)"})
		return
	}
	rep, err := explain.Explain(explain.Input{Config: s.rt.Config(), ConfigFile: s.path, Repo: s.rt.Repo()}, q.Get("tenant"), method, path)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// listeners are the addresses the process listens on (as bound: a :0 in
// the config shows its port) and whether the admin listener needs a token.
func (s *server) listeners(w http.ResponseWriter, _ *http.Request) {
	addr := func(l net.Listener) string {
		if l == nil {
			return ""
		}
		return l.Addr().String()
	}
	writeJSON(w, http.StatusOK, map[string]any{"http": addr(s.ln), "https": addr(s.tlsLn), "admin": addr(s.adminLn),
		"admin_token": s.rt.Config().Listen.AdminToken != ""})
}

// configStatus is the config file, its generation (1 at start, +1 per
// applied reload), the last refused reload's problems, and the sequences
// deployed under a name no API of the config runs (computed now, so a
// hot-deployed near miss shows without a reload).
func (s *server) configStatus() map[string]any {
	cfg := s.rt.Config()
	warnings := nameWarnings(cfg, s.rt.Repo())
	if warnings == nil {
		warnings = []string{}
	}
	r := s.rt.Status()
	out := map[string]any{
		"file":              s.path,
		"generation":        r.Generation,
		"loaded_at":         r.LoadedAt,
		"last_attempt":      r.LastAttempt,
		"apis":              len(cfg.APIs),
		"draining":          s.draining.Load(),
		"sequence_warnings": warnings,
	}
	if r.LastError != "" { // left out when the last reload applied, not ""
		out["last_error"] = r.LastError
	}
	return out
}

// runtimeStatus reports goroutines and heap; ?gc=1 collects garbage first,
// so that two readings compare live memory.
func (s *server) runtimeStatus(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	writeJSON(w, http.StatusOK, map[string]any{
		"goroutines": runtime.NumGoroutine(), "heap_alloc_bytes": m.HeapAlloc, "heap_inuse_bytes": m.HeapInuse,
		"heap_objects": m.HeapObjects, "sys_bytes": m.Sys, "num_gc": m.NumGC,
		"uptime_seconds": time.Since(s.started).Seconds(),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) { admin.WriteJSON(w, status, v) }
