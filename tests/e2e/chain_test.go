package e2e

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestChainEndToEnd: a keyed request passes auth, throttle, usage and the
// extension sequences, reaches the backend rewritten, and the client gets
// the backend's answer; a usage event is logged.
func TestChainEndToEnd(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{},
		seqFile{0, "global_in.xml", seq("WSO2AM--Ext--In", setHeader("X-Global-In", "yes"))},
		seqFile{0, "orders_in.xml", seq("admin--Orders:v1.0.0--In",
			setHeader("X-Rewritten", "yes"),
			setHeaderExpr("X-App", "$ctx:api.ut.application.name"),
			`<property name="X-Remove-Me" scope="transport" action="remove"/>`)},
	)
	g.backend.answer(http.StatusCreated, map[string]string{"X-Backend": "b1"})

	r := g.doReq("POST", "/orders/1.0.0/items?lang=en", withKey(keyApp1, "X-Remove-Me", "secret"), `{"item":"book"}`)

	if r.Status != http.StatusCreated {
		t.Fatalf("status = %d, want the backend's 201; body %s", r.Status, r.Body)
	}
	if got := r.Header.Get("X-Backend"); got != "b1" {
		t.Errorf("client header X-Backend = %q, want the backend's b1", got)
	}
	if m := r.json(t); m["backend"] != "ok" || m["path"] != "/be/orders/items" {
		t.Errorf("client body = %s, want the backend's JSON for /be/orders/items", r.Body)
	}
	be := g.backend.mustGet(t, r.ID)
	checks := []struct{ name, got, want string }{
		{"method", be.Method, "POST"},
		{"path", be.Path, "/be/orders/items"},
		{"query", be.Query, "lang=en"},
		{"body", string(be.Body), `{"item":"book"}`},
		{"X-Global-In", be.Header.Get("X-Global-In"), "yes"},
		{"X-Rewritten", be.Header.Get("X-Rewritten"), "yes"},
		{"X-App (api.ut.application.name)", be.Header.Get("X-App"), "App1"},
		{"X-Remove-Me", be.Header.Get("X-Remove-Me"), ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("backend saw %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	waitFor(t, "a usage log line for the request", 3*time.Second, func() bool {
		return usageLine(g, "carbon.super", "Orders", 201) != nil
	})
}

// usageLine finds a `"logger":"usage"` JSON line naming the tenant, an API
// containing apiPart and the status, whatever the field names are.
func usageLine(g *gateway, tenant, apiPart string, status int) map[string]any {
	for _, l := range g.stderr.lines(`"logger":"usage"`) {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) != nil {
			continue
		}
		var hasTenant, hasAPI, hasStatus bool
		for k, v := range m {
			switch v := v.(type) {
			case string:
				hasTenant = hasTenant || v == tenant
				hasAPI = hasAPI || strings.Contains(v, apiPart)
				hasStatus = hasStatus || strings.Contains(strings.ToLower(k), "status") && v == strconv.Itoa(status)
			case float64:
				hasStatus = hasStatus || strings.Contains(strings.ToLower(k), "status") && int(v) == status
			}
		}
		if hasTenant && hasAPI && hasStatus {
			return m
		}
	}
	return nil
}

// TestSequenceOrder: the global sequence runs before the per-API one, in
// both directions (each appends to the same header).
func TestSequenceOrder(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{},
		seqFile{0, "g_in.xml", seq("WSO2AM--Ext--In", setHeader("X-Trace", "global"))},
		seqFile{0, "a_in.xml", seq("admin--Orders:v1.0.0--In", setHeaderExpr("X-Trace", "concat($trp:X-Trace, ',api')"))},
		seqFile{0, "g_out.xml", seq("WSO2AM--Ext--Out", setHeader("X-Out", "global"))},
		seqFile{0, "a_out.xml", seq("admin--Orders:v1.0.0--Out", setHeaderExpr("X-Out", "concat($trp:X-Out, ',api')"))},
	)
	r := g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1), "")
	if r.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.Status, r.Body)
	}
	if got := g.backend.mustGet(t, r.ID).Header.Get("X-Trace"); got != "global,api" {
		t.Errorf("backend X-Trace = %q, want %q (global In first, then per-API In)", got, "global,api")
	}
	if got := r.Header.Get("X-Out"); got != "global,api" {
		t.Errorf("client X-Out = %q, want %q (global Out first, then per-API Out)", got, "global,api")
	}
}

// TestFlowEnders: respond, drop and loopback in an In sequence skip the
// backend; only loopback runs the Out sequences.
func TestFlowEnders(t *testing.T) {
	t.Parallel()
	outRan := setHeader("X-Out-Ran", "yes")
	g := startGateway(t, gwConfig{APIs: []apiDef{api("Resp", "/resp"), api("Drop", "/drop"), api("Loop", "/loop")}},
		seqFile{0, "resp_in.xml", seq("admin--Resp:v1.0.0--In", respondWith(201, `{"answered":"gateway"}`))},
		seqFile{0, "resp_out.xml", seq("admin--Resp:v1.0.0--Out", outRan)},
		seqFile{0, "drop_in.xml", seq("admin--Drop:v1.0.0--In", "<drop/>")},
		seqFile{0, "loop_in.xml", seq("admin--Loop:v1.0.0--In", "<loopback/>")},
		seqFile{0, "loop_out.xml", seq("admin--Loop:v1.0.0--Out", outRan)},
	)
	cases := []struct {
		name, method, path, body string
		wantStatus               int
		wantBody                 string // exact; "-" skips
		wantJSON                 string // key=value expected in a JSON body; "" skips
		wantOutRan               bool
	}{
		{"respond", "GET", "/resp/1.0.0/1", "", 201, "-", "answered=gateway", false},
		{"drop", "GET", "/drop/1.0.0/1", "", 202, "", "", false},
		{"loopback", "POST", "/loop/1.0.0/x", `{"loop":"back"}`, 200, `{"loop":"back"}`, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := g.backend.hits()
			r := g.doReq(c.method, c.path, withKey(keyApp1), c.body)
			if r.Status != c.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.Status, c.wantStatus, r.Body)
			}
			if n := g.backend.hits() - before; n != 0 {
				t.Errorf("backend received %d requests, want 0", n)
			}
			if c.wantBody != "-" && strings.TrimSpace(string(r.Body)) != c.wantBody {
				t.Errorf("body = %q, want %q", r.Body, c.wantBody)
			}
			if c.wantJSON != "" {
				k, v, _ := strings.Cut(c.wantJSON, "=")
				if got := r.json(t)[k]; got != v {
					t.Errorf("body[%q] = %v, want %q (body %s)", k, got, v, r.Body)
				}
				if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
			}
			if got := r.Header.Get("X-Out-Ran") == "yes"; got != c.wantOutRan {
				t.Errorf("Out sequence ran = %v, want %v", got, c.wantOutRan)
			}
		})
	}
}
