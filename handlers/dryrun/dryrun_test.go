package dryrun

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// steps renders a trace as "sequence/mediator=outcome" lines.
func steps(tr *mediation.Trace) string {
	var out []string
	for _, s := range tr.Steps {
		out = append(out, s.Sequence+"/"+s.Mediator+"="+s.Outcome)
	}
	return strings.Join(out, "\n")
}

// TestRunStubBackend: the stub answers, the real backend is never called,
// and the result shows what the backend would have seen (secrets hidden).
func TestRunStubBackend(t *testing.T) {
	be := startBackend(t)
	g := newGateway(t, be.url, NewHook("", nil))
	res, err := Run(g.Handle, Request{
		Method: "post", Path: "/orders/1.0.0/items?x=1", Headers: map[string]string{"Content-Type": "application/json"},
		Body:    `{"n":1}`,
		Backend: Backend{Status: 201, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"stub":1}`},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := be.hits.Load(); n != 0 {
		t.Fatalf("real backend called %d times, want 0", n)
	}
	r := res.Response
	if r.Status != 201 || r.Body != `{"stub":1}` || r.Headers["X-Out"] != "1" {
		t.Errorf("response %d %q X-Out=%q; want 201 {\"stub\":1} X-Out=1", r.Status, r.Body, r.Headers["X-Out"])
	}
	if len(res.BackendRequests) != 1 {
		t.Fatalf("%d backend requests, want 1", len(res.BackendRequests))
	}
	br := res.BackendRequests[0]
	if br.Method != "POST" || br.URL != be.url+"/items?x=1" || br.Body != `{"n":1}` {
		t.Errorf("backend request %s %s %q; want POST %s/items?x=1 {\"n\":1}", br.Method, br.URL, br.Body, be.url)
	}
	if br.Headers["X-Req-Added"] != "yes" || br.Headers["X-Api-Key"] != mediation.Redacted {
		t.Errorf("backend headers %v: want X-Req-Added yes and X-Api-Key redacted", br.Headers)
	}
	want := "WSO2AM--Ext--In/header=continue\nWSO2AM--Ext--In/property=continue\nWSO2AM--Ext--In/filter=continue\n" +
		"/backend=stub backend answered 201\nWSO2AM--Ext--Out/property=continue"
	if got := steps(res.Trace); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
}

// TestRunRealBackend: only backend "real" calls the backend.
func TestRunRealBackend(t *testing.T) {
	be := startBackend(t)
	g := newGateway(t, be.url, NewHook("", nil))
	res, err := Run(g.Handle, Request{Method: "GET", Path: "/orders/1.0.0/a", Backend: Backend{Real: true}})
	if err != nil {
		t.Fatal(err)
	}
	if n := be.hits.Load(); n != 1 {
		t.Fatalf("real backend called %d times, want 1", n)
	}
	if res.Response.Status != 200 || res.Response.Body != `{"real":true,"path":"/a"}` {
		t.Errorf("response %d %q", res.Response.Status, res.Response.Body)
	}
	if len(res.BackendRequests) != 1 || !strings.Contains(steps(res.Trace), "/backend=real backend answered 200") {
		t.Errorf("backend requests %d, trace:\n%s", len(res.BackendRequests), steps(res.Trace))
	}
}

// TestRunRespond: a sequence that answers by itself calls no backend, and
// the trace shows where it stopped.
func TestRunRespond(t *testing.T) {
	be := startBackend(t)
	g := newGateway(t, be.url, NewHook("", nil))
	res, err := Run(g.Handle, Request{Method: "GET", Path: "/orders/1.0.0/a", Headers: map[string]string{"X-Mock": "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	if be.hits.Load() != 0 || len(res.BackendRequests) != 0 {
		t.Errorf("backend hits %d, requests %d; want 0, 0", be.hits.Load(), len(res.BackendRequests))
	}
	if res.Response.Body != `{"mock":true}` {
		t.Errorf("body %q", res.Response.Body)
	}
	last := res.Trace.Steps[len(res.Trace.Steps)-1]
	if last.Mediator != "respond" || last.Outcome != "respond" || last.Depth != 1 || last.Line != 7 || last.File == "" {
		t.Errorf("last step %+v: want respond at depth 1 (inside the filter), line 7 of its file", last)
	}
}

func TestBackendJSON(t *testing.T) {
	cases := []struct {
		name, in string
		want     Backend
		wantErr  bool
	}{
		{"real", `"real"`, Backend{Real: true}, false},
		{"stub", `{"status":503,"body":"x"}`, Backend{Status: 503, Body: "x"}, false},
		{"other string", `"fake"`, Backend{}, true},
		{"bad object", `{"status":"x"}`, Backend{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b Backend
			err := json.Unmarshal([]byte(c.in), &b)
			if (err != nil) != c.wantErr || err == nil && (b.Real != c.want.Real || b.Status != c.want.Status || b.Body != c.want.Body) {
				t.Errorf("got %+v, %v; want %+v, error %v", b, err, c.want, c.wantErr)
			}
		})
	}
}

func TestRequestPath(t *testing.T) {
	cases := []struct{ name, tenant, path, want string }{
		{"super tenant implicit", "", "/a/1/x", "/a/1/x"},
		{"super tenant named", "carbon.super", "/a/1/x", "/a/1/x"},
		{"tenant", "example.com", "/a/1/x?q=1", "/t/example.com/a/1/x?q=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := Request{Tenant: c.tenant, Path: c.path}.build()
			if err != nil {
				t.Fatal(err)
			}
			if got := string(req.RequestURI()); got != c.want {
				t.Errorf("uri %q, want %q", got, c.want)
			}
		})
	}
	if _, err := (Request{Path: "a"}).build(); err == nil {
		t.Error("a path without / was accepted")
	}
}
