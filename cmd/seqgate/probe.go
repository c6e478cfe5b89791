package main

import (
	"cmp"
	"errors"
	"net/http"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
)

// throttleProbe answers GET /admin/throttle: the counters a request would
// be counted on, read without counting (the Apiman idea of a quota probe).
//
//	?tenant=<domain>&api=<name>&version=<v>&subject=<app id|consumer key|ip:addr>[&resource=<uri_template>]
//	?key=<raw key, without redis.key_prefix>
//
// It reads the store of the config being served, so with store: redis it
// shows the cluster's shared counters. Unknown API: 404; store down: 503.
func (s *server) throttleProbe(w http.ResponseWriter, r *http.Request) {
	cfg := s.rt.Config()
	th, err := s.rt.Throttle(cfg)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	q := r.URL.Query()
	base := map[string]any{"store": cfg.Throttling.Store}
	if key := q.Get("key"); key != "" {
		pl, err := th.ProbeKey(r.Context(), key)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		base["key"], base["count"], base["reset_ms"] = pl.Key, pl.Count, pl.ResetMS
		writeJSON(w, http.StatusOK, base)
		return
	}
	pq := handlers.ProbeQuery{Tenant: cmp.Or(q.Get("tenant"), config.SuperTenantDomain), API: q.Get("api"), Version: q.Get("version"),
		Subject: q.Get("subject"), Resource: q.Get("resource")}
	if pq.API == "" || pq.Version == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "api and version (or key) are required"})
		return
	}
	levels, err := th.Probe(r.Context(), pq)
	switch {
	case errors.Is(err, handlers.ErrUnknownAPI):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	case err != nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	base["tenant"], base["api"], base["version"], base["subject"], base["levels"] = pq.Tenant, pq.API, pq.Version, pq.Subject, levels
	writeJSON(w, http.StatusOK, base)
}
