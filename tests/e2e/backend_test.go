package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// maxRecorded bounds what the backend keeps, so a long traffic loop cannot
// grow memory without limit.
const maxRecorded = 10000

// recReq is one request as the backend received it.
type recReq struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// backend is a real HTTP server on 127.0.0.1 standing in for an API's
// backend. It records every request, answers JSON, echoes each X-* request
// header back as Echo-X-* (so a client can see what the gateway forwarded),
// and can be told to answer a given status and extra headers.
type backend struct {
	srv    *httptest.Server
	count  atomic.Int64
	status atomic.Int32

	mu    sync.Mutex
	reqs  []recReq
	extra http.Header
}

func newBackend(t *testing.T) *backend {
	b := &backend{extra: http.Header{}}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) url() string { return b.srv.URL }

func (b *backend) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	b.record(recReq{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	for k, vs := range r.Header {
		if strings.HasPrefix(k, "X-") {
			w.Header()["Echo-"+k] = vs
		}
	}
	b.mu.Lock()
	for k, vs := range b.extra {
		w.Header()[k] = vs
	}
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	st := int(b.status.Load())
	if st == 0 {
		st = http.StatusOK
	}
	w.WriteHeader(st)
	_ = json.NewEncoder(w).Encode(map[string]string{
		"backend": "ok", "method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
	})
}

func (b *backend) record(r recReq) {
	b.count.Add(1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.reqs) >= maxRecorded {
		b.reqs = b.reqs[1:]
	}
	b.reqs = append(b.reqs, r)
}

// answer makes the backend reply with status and the given extra headers.
func (b *backend) answer(status int, hdr map[string]string) {
	b.status.Store(int32(status))
	b.mu.Lock()
	defer b.mu.Unlock()
	b.extra = http.Header{}
	for k, v := range hdr {
		b.extra.Set(k, v)
	}
}

// hits is how many requests the backend has received.
func (b *backend) hits() int64 { return b.count.Load() }

// byID returns the request that carried X-Req-Id: id (set by doReq).
func (b *backend) byID(id string) (recReq, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.reqs) - 1; i >= 0; i-- {
		if b.reqs[i].Header.Get("X-Req-Id") == id {
			return b.reqs[i], true
		}
	}
	return recReq{}, false
}

// mustGet is byID for a request the test expects to have reached the backend.
func (b *backend) mustGet(t *testing.T, id string) recReq {
	t.Helper()
	r, ok := b.byID(id)
	if !ok {
		t.Fatalf("backend never received request %s", id)
	}
	return r
}
