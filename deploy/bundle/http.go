package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// Routes mounts the bundle admin API on mux:
//
//	POST   /admin/bundles                 body: the zip (application/zip); 201 with the processed manifest
//	GET    /admin/bundles                 every bundle on this node, with node and group
//	GET    /admin/bundles/{name}
//	POST   /admin/bundles/{name}/activate deferred entries, on this node only
//	DELETE /admin/bundles/{name}          on every node (with Redis)
//
// mux is anything with HandleFunc: an *http.ServeMux, or the admin
// listener's admin.Mux, which records the patterns for the OpenAPI check.
func (m *Manager) Routes(mux interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}) {
	mux.HandleFunc("POST /admin/bundles", m.upload)
	mux.HandleFunc("GET /admin/bundles", m.list)
	mux.HandleFunc("GET /admin/bundles/{name}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK)(m.Get(r.PathValue("name")))
	})
	mux.HandleFunc("POST /admin/bundles/{name}/activate", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK)(m.Activate(r.PathValue("name")))
	})
	mux.HandleFunc("DELETE /admin/bundles/{name}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK)(m.Remove(r.PathValue("name")))
	})
}

// upload reads at most MaxZipBytes+1 of the body: one byte more is
// enough to refuse it as too large without reading the rest. The body is
// the raw zip, labelled application/zip or application/octet-stream: a
// type a web page cannot send cross-site without a CORS preflight (the
// admin listener refuses the ones it can), so an upload cannot come from
// a page the operator happens to have open.
func (m *Manager) upload(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/zip" && mt != "application/octet-stream" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": fmt.Sprintf(
			"Content-Type %q: a bundle upload is the raw zip, sent as application/zip or application/octet-stream (curl --data-binary @b.zip -H 'Content-Type: application/zip')",
			r.Header.Get("Content-Type"))})
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, m.opts.Limits.MaxZipBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "reading the upload: " + err.Error()})
		return
	}
	reply(w, http.StatusCreated)(m.Install(data, "upload"))
}

func (m *Manager) list(w http.ResponseWriter, _ *http.Request) {
	infos, err := m.List()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if infos == nil {
		infos = []*Info{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"node": m.opts.Node, "group": m.opts.Group, "bundles": infos})
}

// reply writes the Info with ok, or the error with its status.
func reply(w http.ResponseWriter, ok int) func(*Info, error) {
	return func(in *Info, err error) {
		if err != nil {
			writeJSON(w, statusOf(err), map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, ok, in)
	}
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrExists), errors.Is(err, ErrConflict), errors.Is(err, ErrNotTargeted):
		return http.StatusConflict
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
