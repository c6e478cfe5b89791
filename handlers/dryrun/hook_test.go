package dryrun

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

const adminToken = "0123456789abcdef-admin"

// TestTraceHeader sends real requests over 127.0.0.1 through the gateway:
// only the right admin token traces, the header never reaches the backend
// when a token is configured, and the trace is stored under the id the
// response carries.
func TestTraceHeader(t *testing.T) {
	cases := []struct {
		name, token, header string
		traced              bool
		backendSees         string
	}{
		{"right token", adminToken, adminToken, true, ""},
		{"wrong token", adminToken, adminToken + "x", false, ""},
		{"prefix of token", adminToken, adminToken[:8], false, ""},
		{"no header", adminToken, "", false, ""},
		{"no admin token configured", "", adminToken, false, adminToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			be := startBackend(t)
			hook := NewHook(c.token, nil)
			addr := serve(t, newGateway(t, be.url, hook).Handle)
			resp := get(t, addr, "/orders/1.0.0/a", c.header)
			id := string(resp.Header.Peek(HeaderTraceID))
			if c.traced != (id != "") {
				t.Fatalf("trace id %q, traced=%v", id, c.traced)
			}
			if be.hits.Load() != 1 || be.sawTrace.Load() != c.backendSees {
				t.Errorf("backend hits %d, saw %s %q; want 1, %q", be.hits.Load(), HeaderTrace, be.sawTrace.Load(), c.backendSees)
			}
			if !c.traced {
				return
			}
			st, ok := hook.Trace(id)
			if !ok || st.Status != 200 || st.Path != "/orders/1.0.0/a" || len(st.Trace.Steps) == 0 {
				t.Fatalf("stored trace %+v, found %v", st, ok)
			}
			if !strings.Contains(steps(st.Trace), "WSO2AM--Ext--Out/property=continue") {
				t.Errorf("stored trace:\n%s", steps(st.Trace))
			}
		})
	}
}

func get(t *testing.T, addr, path, trace string) *fasthttp.Response {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), &fasthttp.Response{}
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("http://" + addr + path)
	if trace != "" {
		req.Header.Set(HeaderTrace, trace)
	}
	if err := fasthttp.DoTimeout(req, resp, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestAdminHandlers drives POST /admin/dry-run and GET /admin/traces/{id}
// over HTTP, mounted as cmd/seqgate mounts them.
func TestAdminHandlers(t *testing.T) {
	be := startBackend(t)
	hook := NewHook(adminToken, nil)
	g := newGateway(t, be.url, hook)
	mux := http.NewServeMux()
	mux.Handle("POST /admin/dry-run", Handler(g.Handle))
	mux.Handle("GET /admin/traces/{id}", hook.TracesHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cases := []struct {
		name, body string
		status     int
		contains   string
	}{
		{"stub", `{"method":"GET","path":"/orders/1.0.0/a","backend":{"status":503,"body":"down"}}`, 200, `"status": 503`},
		{"default stub", `{"method":"GET","path":"/orders/1.0.0/a"}`, 200, `"stub backend answered 200"`},
		{"unknown field", `{"method":"GET","path":"/a","bogus":1}`, 400, "unknown field"},
		{"bad backend", `{"path":"/a","backend":"maybe"}`, 400, `want \"real\"`},
		{"no path", `{"method":"GET"}`, 400, "path is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/admin/dry-run", "application/json", strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || !strings.Contains(string(b), c.contains) {
				t.Errorf("status %d, body %s; want %d containing %q", resp.StatusCode, b, c.status, c.contains)
			}
		})
	}
	if n := be.hits.Load(); n != 0 {
		t.Errorf("dry-runs called the real backend %d times", n)
	}

	id := string(get(t, serve(t, g.Handle), "/orders/1.0.0/a", adminToken).Header.Peek(HeaderTraceID))
	for _, c := range []struct {
		name, id string
		status   int
	}{{"stored", id, 200}, {"unknown", "deadbeef", 404}} {
		t.Run("traces "+c.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + "/admin/traces/" + c.id)
			if err != nil {
				t.Fatal(err)
			}
			var st Stored
			_ = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			if resp.StatusCode != c.status || c.status == 200 && (st.ID != id || len(st.Trace.Steps) == 0) {
				t.Errorf("status %d, stored %+v", resp.StatusCode, st)
			}
		})
	}
}

func TestRing(t *testing.T) {
	r := NewRing(2, time.Minute)
	a, b, c := r.Put(Stored{Path: "/a"}), r.Put(Stored{Path: "/b"}), r.Put(Stored{Path: "/c"})
	if _, ok := r.Get(a); ok {
		t.Error("the oldest trace survived a full ring")
	}
	for _, id := range []string{b, c} {
		if _, ok := r.Get(id); !ok {
			t.Errorf("trace %s lost", id)
		}
	}
	old := r.Put(Stored{Path: "/old", Time: time.Now().Add(-2 * time.Minute)})
	if _, ok := r.Get(old); ok {
		t.Error("an expired trace was returned")
	}
	if _, ok := r.Get(""); ok {
		t.Error("empty id matched")
	}
}
