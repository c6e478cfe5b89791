package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKeyTypeBackends: an application's key_type sets AM_KEY_TYPE and
// picks the API's backend (production) or sandbox_backend; a sandbox key
// on an API without sandbox_backend gets API-M's _sandbox_key_error_
// answer (403, code 900901) and never reaches a backend.
func TestKeyTypeBackends(t *testing.T) {
	both := api("Both", "/both")
	both.Sandbox = true
	prodOnly := api("ProdOnly", "/prodonly")
	g := startGateway(t, gwConfig{APIs: []apiDef{both, prodOnly}},
		seqFile{File: "echo_keytype.xml", XML: seq("WSO2AM--Ext--In", setHeaderExpr("X-Key-Type", "$ctx:AM_KEY_TYPE"))})

	r := g.doReq("GET", "/both/1.0.0/7", withKey(keyApp1), "")
	if r.Status != http.StatusOK {
		t.Fatalf("production key: status %d %s", r.Status, r.Body)
	}
	if got := g.backend.mustGet(t, r.ID); got.Path != "/be/both/7" || got.Header.Get("X-Key-Type") != "PRODUCTION" {
		t.Errorf("production key reached %s with AM_KEY_TYPE %q; want /be/both/7, PRODUCTION", got.Path, got.Header.Get("X-Key-Type"))
	}

	r = g.doReq("GET", "/both/1.0.0/7", withKey(keySbox), "")
	if r.Status != http.StatusOK {
		t.Fatalf("sandbox key: status %d %s", r.Status, r.Body)
	}
	if got := g.backend.mustGet(t, r.ID); got.Path != "/sb/both/7" || got.Header.Get("X-Key-Type") != "SANDBOX" {
		t.Errorf("sandbox key reached %s with AM_KEY_TYPE %q; want /sb/both/7, SANDBOX", got.Path, got.Header.Get("X-Key-Type"))
	}

	hits := g.backend.hits()
	r = g.doReq("GET", "/prodonly/1.0.0/7", withKey(keySbox), "")
	if r.Status != http.StatusForbidden {
		t.Fatalf("sandbox key, no sandbox endpoint: status %d %s; want 403", r.Status, r.Body)
	}
	m := r.json(t)
	if m["code"] != "900901" || m["description"] != "Sandbox key offered to the API with no sandbox endpoint" {
		t.Errorf("sandbox key error body = %s", r.Body)
	}
	if g.backend.hits() != hits {
		t.Errorf("a sandbox key without sandbox endpoint reached a backend")
	}
	// the production key still goes through on that API
	if r = g.doReq("GET", "/prodonly/1.0.0/7", withKey(keyApp1), ""); r.Status != http.StatusOK {
		t.Errorf("production key on the production-only API: %d %s", r.Status, r.Body)
	}
}

// TestKeyTypeTenantSequenceWins: a tenant's own _sandbox_key_error_
// replaces the built-in one.
func TestKeyTypeTenantSequenceWins(t *testing.T) {
	g := startGateway(t, gwConfig{},
		seqFile{File: "_sandbox_key_error_.xml", XML: seq("_sandbox_key_error_", respondWith(418, `{"mine":true}`))})
	r := g.doReq("GET", "/orders/1.0.0/7", withKey(keySbox), "")
	if r.Status != 418 || !strings.Contains(string(r.Body), `"mine"`) {
		t.Fatalf("tenant _sandbox_key_error_: status %d %s; want 418 from it", r.Status, r.Body)
	}
}

// TestKeyTypeFilterEndpoints: API-M's generated pattern, an In sequence
// with <filter source="$ctx:AM_KEY_TYPE" regex="PRODUCTION"> sending to one
// of two endpoints of endpoints/*.xml, and the built-in
// _sandbox_key_error_ called by key from it.
func TestKeyTypeFilterEndpoints(t *testing.T) {
	g := startGateway(t, gwConfig{})
	epDir := filepath.Join(filepath.Dir(g.superDir), "endpoints")
	if err := os.MkdirAll(epDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"OrdersProd": "/ep/prod", "OrdersSandbox": "/ep/sandbox"} {
		writeFile(t, filepath.Join(epDir, name+".xml"), `<endpoint xmlns="http://ws.apache.org/ns/synapse" name="`+name+`">
  <http uri-template="`+g.backend.url()+path+`"/>
</endpoint>`)
	}
	in := seq("admin--Orders:v1.0.0--In", `<filter source="$ctx:AM_KEY_TYPE" regex="PRODUCTION">
      <then><send><endpoint key="OrdersProd"/></send></then>
      <else><send><endpoint key="OrdersSandbox"/></send></else>
    </filter>`)
	writeSeq(t, g.superDir, "orders_in.xml", in)
	waitFor(t, "orders_in.xml deployed", 10*time.Second, func() bool {
		st, _, _ := g.fileState("carbon.super", "orders_in.xml")
		return st == "active"
	})
	var r resp
	waitFor(t, "endpoints deployed", 10*time.Second, func() bool {
		r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1), "")
		return r.Status == http.StatusOK
	})
	if got := g.backend.mustGet(t, r.ID); !strings.HasPrefix(got.Path, "/ep/prod") {
		t.Errorf("production key went to %s; want /ep/prod", got.Path)
	}
	r = g.doReq("GET", "/orders/1.0.0/7", withKey(keySbox), "")
	if r.Status != http.StatusOK {
		t.Fatalf("sandbox key: %d %s", r.Status, r.Body)
	}
	if got := g.backend.mustGet(t, r.ID); !strings.HasPrefix(got.Path, "/ep/sandbox") {
		t.Errorf("sandbox key went to %s; want /ep/sandbox", got.Path)
	}

	// API-M's generated API without a sandbox endpoint calls the error sequence
	writeSeq(t, g.superDir, "orders_in.xml", seq("admin--Orders:v1.0.0--In", `<filter source="$ctx:AM_KEY_TYPE" regex="PRODUCTION">
      <then><send><endpoint key="OrdersProd"/></send></then>
      <else><sequence key="_sandbox_key_error_"/></else>
    </filter>`))
	waitFor(t, "sandbox key refused by the In sequence", 10*time.Second, func() bool {
		r = g.doReq("GET", "/orders/1.0.0/7", withKey(keySbox), "")
		return r.Status == http.StatusForbidden
	})
	if m := r.json(t); m["code"] != "900901" || m["message"] != "Runtime Error" {
		t.Errorf("_sandbox_key_error_ from the In sequence answered %s", r.Body)
	}
}

// TestKeyTypeWithAPIMFault: with API-M's own fault.xml (and the
// _cors_request_handler_ it calls) and _sandbox_key_error_.xml deployed
// (from the corpus, unchanged), a sandbox key without sandbox endpoint gets
// what API-M answers: fault's JSON with 403 and 900901. Without API-M's
// _sandbox_key_error_, the built-in one calls the tenant's fault too.
func TestKeyTypeWithAPIMFault(t *testing.T) {
	for _, files := range [][]string{
		{"apim-gw__fault.xml", "apim-gw__cors_request_handler.xml", "apim-gw__sandbox_key_error.xml"},
		{"apim-gw__fault.xml", "apim-gw__cors_request_handler.xml"},
	} {
		t.Run(strings.Join(files, "+"), func(t *testing.T) {
			g := startGateway(t, gwConfig{}, corpusFiles(t, 0, files...)...)
			r := g.doReq("GET", "/orders/1.0.0/7", withKey(keySbox), "")
			if r.Status != http.StatusForbidden {
				t.Fatalf("status %d %s; want 403", r.Status, r.Body)
			}
			m := r.json(t)
			if m["code"] != "900901" || m["type"] != "Status report" || m["description"] != "Sandbox key offered to the API with no sandbox endpoint" {
				t.Errorf("body %s", r.Body)
			}
		})
	}
}
