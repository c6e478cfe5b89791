package dryrun

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/valyala/fasthttp"
)

// MaxRequest bounds the JSON request description POST /admin/dry-run reads.
const MaxRequest = 4 << 20

// Handler serves POST /admin/dry-run: the body is a Request (JSON), the
// answer a Result. h is the live gateway's handler (gateway.Switch.Handle,
// so each dry-run runs on the current config). The admin listener's token
// guard covers it like every admin path.
func Handler(h fasthttp.RequestHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Request
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxRequest))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "dry-run request: " + err.Error()})
			return
		}
		res, err := Run(h, req)
		if err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, errNoPath) {
				status = http.StatusBadRequest
			}
			writeJSON(w, status, map[string]string{"error": "dry-run: " + err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

// TracesHandler serves GET /admin/traces/{id}: a trace recorded through
// the X-Seqgate-Trace header, while it is still kept (404 after).
func (h *Hook) TracesHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, ok := h.Trace(r.PathValue("id"))
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such trace (unknown, expired or overwritten)"})
			return
		}
		writeJSON(w, http.StatusOK, st)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
