package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The API-M 2.x gateway of ../shared/conformance/apim-gateway (26 real
// api files, see its SOURCES.md) served from a WSO2-shaped home: the files
// are copied as they are, except that every endpoint URL with a host is
// pointed at a recording backend on 127.0.0.1 (/be/<file name>/<path>).

var apimSrcDir = filepath.Join("..", "..", "..", "shared", "conformance", "apim-gateway", "mxuwku", "repository",
	"deployment", "server", "synapse-configs", "default", "api")

// endpointURL is an endpoint URL with a host (no {uri.var.*} in it); the
// junk test APIs' "http://" and "http/appserver/resource" stay as written.
var endpointURL = regexp.MustCompile(`uri-template="https?://[^"/{]+(/[^"{]*)?"`)

// sandboxURL is the rewritten URL of an endpoint named *_APIsandboxEndpoint*.
var sandboxURL = regexp.MustCompile(`(<endpoint name="[^"]*_APIsandboxEndpoint[^"]*">\s*<http uri-template="http://[^/"]+)/be/`)

// apimRefused are the files refused on purpose, with the reason.
var apimRefused = map[string]string{
	"admin--Long-name-so-we-can-test-api-cards-long-names-is-bad-though_vv1.xml": "uri-template",
	"admin--Test_new_vv1.xml": "uri-template", "admin--test11_vv1.xml": "uri-template", "admin--test_rish_vv1.xml": "uri-template",
	// ours: its context is the YAML Orders API's
	"clash.xml": "context /orders/1.0.0 is already served by apis[0] (Orders) of the config",
}

// carteAPI is an api file of our own in API-M's shape: its extension
// handler comes first in <handlers> (API-M's "top" position), CORS allows
// one origin with credentials, the inSequence sends to a named endpoint of
// the endpoints folder, the outSequence marks the answer.
func carteAPI(mapping string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<api xmlns="http://ws.apache.org/ns/synapse" name="admin--Carte" context="/carte/1.0.0" version="1.0.0" version-type="context">
   <resource methods="GET" url-mapping="` + mapping + `" faultSequence="fault">
      <inSequence>
         <filter source="$ctx:AM_KEY_TYPE" regex="PRODUCTION">
            <then><send><endpoint key="admin--Carte_APIproductionEndpoint_0"/></send></then>
            <else><sequence key="_sandbox_key_error_"/></else>
         </filter>
      </inSequence>
      <outSequence>
         <property name="X-Out" scope="transport" value="carte"/>
         <send/>
      </outSequence>
   </resource>
   <handlers>
      <handler class="org.wso2.carbon.apimgt.gateway.handlers.ext.APIManagerExtensionHandler"/>
      <handler class="org.wso2.carbon.apimgt.gateway.handlers.security.CORSRequestHandler">
         <property name="allowedOrigins" value="https://app.example.com"/>
         <property name="allowCredentials" value="true"/>
      </handler>
      <handler class="org.wso2.carbon.apimgt.gateway.handlers.security.APIAuthenticationHandler"/>
      <handler class="org.wso2.carbon.apimgt.gateway.handlers.throttling.ThrottleHandler"/>
      <handler class="org.wso2.carbon.apimgt.gateway.handlers.analytics.APIMgtUsageHandler"/>
   </handlers>
</api>
`
}

// apimHome writes the 26 files (and carteAPI, a file clashing with the
// YAML Orders API, the Carte endpoint) into the super tenant's api folder.
func apimHome(t *testing.T, superSeqDir, backendURL string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(apimSrcDir, "*.xml"))
	if err != nil || len(files) != 26 {
		t.Fatalf("want the 26 api files of %s, found %d (%v)", apimSrcDir, len(files), err)
	}
	apiDir := filepath.Join(superSeqDir, "..", "api")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stem := strings.TrimSuffix(filepath.Base(f), ".xml")
		out := endpointURL.ReplaceAllStringFunc(string(data), func(m string) string {
			sub := endpointURL.FindStringSubmatch(m)
			return `uri-template="` + backendURL + "/be/" + stem + sub[1] + `"`
		})
		// The sandbox endpoints go to /sb/ instead, so that the choice by
		// AM_KEY_TYPE (the files' own filter) shows in the backend's path.
		out = sandboxURL.ReplaceAllString(out, "${1}/sb/")
		writeFile(t, filepath.Join(apiDir, filepath.Base(f)), out)
	}
	writeFile(t, filepath.Join(apiDir, "admin--Carte_v1.0.0.xml"), carteAPI("/menu"))
	writeFile(t, filepath.Join(apiDir, "clash.xml"), strings.Replace(carteAPI("/menu"), `context="/carte/1.0.0"`, `context="/orders/1.0.0"`, 1))
	writeFile(t, filepath.Join(superSeqDir, "..", "endpoints", "carte.xml"),
		`<endpoint xmlns="http://ws.apache.org/ns/synapse" name="admin--Carte_APIproductionEndpoint_0"><address uri="`+backendURL+`/be/carte"/></endpoint>`)
}

// apiFiles is the admin status of the super tenant's api files.
func (g *gateway) apiFiles(t *testing.T) map[string]struct{ State, Error string } {
	t.Helper()
	st, _, body := get(g.client, g.admin+"/admin/sequences")
	if st != http.StatusOK {
		t.Fatalf("/admin/sequences: %d", st)
	}
	var s struct {
		Tenants []struct {
			Domain   string `json:"domain"`
			APIFiles []struct {
				File  string `json:"file"`
				State string `json:"state"`
				Error string `json:"error"`
			} `json:"api_files"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	out := map[string]struct{ State, Error string }{}
	for _, tn := range s.Tenants {
		if tn.Domain == "carbon.super" {
			for _, f := range tn.APIFiles {
				out[f.File] = struct{ State, Error string }{f.State, f.Error}
			}
		}
	}
	return out
}

// TestAPIMGatewayHome serves a real API-M gateway's api folder: every file
// deploys or is refused with its reason, requests route by context and
// version, url-mapping and uri-template, and reach the backend the inline
// inSequence sends to; a default-version context reaches its versioned API;
// the handler list sets the extension handler's place; CORS preflights are
// answered by the gateway; a hot edit of an api file takes effect and a
// broken one keeps the last good version serving.
func TestAPIMGatewayHome(t *testing.T) {
	rec := newBackend(t) // the API-M files' backends
	g := startGateway(t, gwConfig{Setup: func(superSeqDir, acmeSeqDir string) {
		apimHome(t, superSeqDir, rec.url())
		// an https-only api (transports="https") is not served on plain HTTP
		writeFile(t, filepath.Join(superSeqDir, "..", "api", "secure.xml"), strings.Replace(carteAPI("/menu"),
			`context="/carte/1.0.0"`, `context="/secure/1.0.0" transports="https"`, 1))
		// acme.com's api file, as API-M writes a tenant's: /t/<domain> in the context
		tenantAPI := strings.Replace(carteAPI("/menu"), `context="/carte/1.0.0"`, `context="/t/acme.com/carte/1.0.0"`, 1)
		tenantAPI = strings.Replace(tenantAPI, "admin--Carte_APIproductionEndpoint_0", "admin-AT-acme.com--Carte_APIproductionEndpoint_0", 1)
		for _, d := range []string{"api", "endpoints"} {
			if err := os.MkdirAll(filepath.Join(acmeSeqDir, "..", d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		writeFile(t, filepath.Join(acmeSeqDir, "..", "api", "admin-AT-acme.com--Carte_v1.0.0.xml"), tenantAPI)
		writeFile(t, filepath.Join(acmeSeqDir, "..", "endpoints", "carte.xml"),
			`<endpoint xmlns="http://ws.apache.org/ns/synapse" name="admin-AT-acme.com--Carte_APIproductionEndpoint_0"><address uri="`+rec.url()+`/be/acme-carte"/></endpoint>`)
	}},
		seqFile{File: "ext-in.xml", XML: seq("WSO2AM--Ext--In",
			`<filter source="$trp:X-Stop" regex="yes"><then>`+respondWith(299, `{"stopped":"extension"}`)+`</then></filter>`)})

	// every file deploys, or is refused on purpose with its reason
	files := g.apiFiles(t)
	if len(files) != 29 {
		t.Fatalf("%d api files in the status, want 29: %v", len(files), files)
	}
	for name, f := range files {
		want, refused := apimRefused[name]
		switch {
		case refused && (f.State != "refused" || !strings.Contains(f.Error, want) || !strings.Contains(f.Error, name+":")):
			t.Errorf("%s: %s %q, want refused for %q with file:line", name, f.State, f.Error, want)
		case !refused && f.State != "active":
			t.Errorf("%s: %s %q, want active", name, f.State, f.Error)
		}
	}
	// a file whose context a YAML API serves is refused, not shadowing it
	if !containsAll(g.stderr.String(), `"api refused"`, "clash.xml:2: context /orders/1.0.0 is already served by apis[0] (Orders) of the config") {
		t.Errorf("no refusal of clash.xml logged; stderr:\n%s", tail(g.stderr.String(), 3000))
	}
	if r := g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1), ""); r.Status != http.StatusOK {
		t.Errorf("YAML Orders API next to the files: %d", r.Status)
	}

	// routing: context with version, url-mapping exact, uri-template, default version
	route := []struct {
		method, path string
		status       int
		backend      string // path prefix the recording backend saw; "" none
	}{
		// the resource path is appended to the <http> endpoint, as in API-M
		{"GET", "/pizzashack/1.0.0/menu", 200, "/be/admin--PizzaShackAPI_v1.0.0/am/sample/pizzashack/v1/api/menu"},
		{"GET", "/pizzashack/2.0.0/menu", 404, ""},
		{"GET", "/pizzashack/1.0.0/nope", 404, ""},
		{"PUT", "/pizzashack/1.0.0/menu", 405, ""},
		{"GET", "/pizzashack/1.0.0/order/42", 200, "/be/admin--PizzaShackAPI_v1.0.0/am/sample/pizzashack/v1/api/order/42"},
		{"GET", "/pet/1.0.0/pet/42", 200, "/be/SCANIA_bjxt3u--SwaggerPetstore_v1.0.0"},
		{"GET", "/pet/1.0.0/pet/findByStatus", 200, "/be/SCANIA_bjxt3u--SwaggerPetstore_v1.0.0"},
		{"GET", "/SCIS721/productdev/variantfamilyservice/v1/families/3", 200, "/be/admin--SCIS721_SCPL0190_REST_VariantFamilyService_V1_vv1"},
		{"GET", "/SCIS721/productdev/variantfamilyservice/families/3", 200, "/be/admin--SCIS721_SCPL0190_REST_VariantFamilyService_V1_vv1"},
		{"GET", "/carte/1.0.0/menu", 200, "/be/carte/menu"},
		{"GET", "/t/acme.com/carte/1.0.0/menu", 401, ""}, // a super tenant key is not acme.com's
		{"GET", "/secure/1.0.0/menu", 404, ""},           // transports="https": not on plain HTTP
	}
	for _, c := range route {
		r := g.doReq(c.method, c.path, withKey(keyApp1), "")
		if r.Status != c.status {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, r.Status, r.Body, c.status)
			continue
		}
		got := g.lastPath(t, rec, r.ID)
		if c.backend == "" && got != "" || !strings.HasPrefix(got, c.backend) {
			t.Errorf("%s %s: backend saw %q, want %q", c.method, c.path, got, c.backend)
		}
	}
	// endpoint choice by key type: the file's filter on $ctx:AM_KEY_TYPE,
	// which the auth handler sets from the application's key_type
	for key, want := range map[string]string{keyApp1: "/be/", keySbox: "/sb/"} {
		r := g.doReq("GET", "/pizzashack/1.0.0/menu", withKey(key), "")
		if got := g.lastPath(t, rec, r.ID); r.Status != http.StatusOK || got != want+"admin--PizzaShackAPI_v1.0.0/am/sample/pizzashack/v1/api/menu" {
			t.Errorf("key %s: %d, backend saw %q, want %s...", key, r.Status, got, want)
		}
	}
	if r := g.doReq("GET", "/t/acme.com/carte/1.0.0/menu", withKey(keyAcme), ""); r.Status != http.StatusOK ||
		g.lastPath(t, rec, r.ID) != "/be/acme-carte/menu" {
		t.Errorf("acme.com's api file: %d %s, backend saw %q", r.Status, r.Body, g.lastPath(t, rec, r.ID))
	}
	if r := g.doReq("GET", "/carte/1.0.0/menu", withKey(keyApp1), ""); r.Header.Get("X-Out") != "carte" {
		t.Errorf("outSequence did not run: X-Out %q", r.Header.Get("X-Out"))
	}
	if r := g.doReq("GET", "/pizzashack/1.0.0/menu", nil, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("no key: %d, want 401 (APIAuthenticationHandler)", r.Status)
	}

	// handler order: Carte lists the extension handler first, so the global
	// In sequence answers before authentication; Pizzashack lists it last,
	// after authentication, which refuses the keyless request first.
	stop := map[string]string{"X-Stop": "yes"}
	if r := g.doReq("GET", "/carte/1.0.0/menu", stop, ""); r.Status != 299 {
		t.Errorf("extension first (Carte): %d %s, want 299 from WSO2AM--Ext--In before auth", r.Status, r.Body)
	}
	if r := g.doReq("GET", "/pizzashack/1.0.0/menu", stop, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("extension last (Pizzashack): %d %s, want 401 from auth before the extension", r.Status, r.Body)
	}

	// CORS preflights are answered by the gateway, never forwarded
	before := rec.hits()
	r := g.doReq("OPTIONS", "/pizzashack/1.0.0/menu", corsPreflight("https://any.example.net", "GET"), "")
	corsCheck(t, "pizzashack preflight", r.Header, map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET"})
	if r.Status != http.StatusOK {
		t.Errorf("pizzashack preflight: %d", r.Status)
	}
	r = g.doReq("OPTIONS", "/carte/1.0.0/menu", corsPreflight("https://app.example.com", "GET"), "")
	corsCheck(t, "carte preflight", r.Header, map[string]string{"Access-Control-Allow-Origin": "https://app.example.com",
		"Access-Control-Allow-Credentials": "true", "Vary": "Origin"})
	r = g.doReq("OPTIONS", "/carte/1.0.0/menu", corsPreflight("https://evil.example.com", "GET"), "")
	corsCheck(t, "carte preflight, other origin", r.Header, map[string]string{"Access-Control-Allow-Origin": ""})
	if rec.hits() != before {
		t.Errorf("the backend saw %d preflights", rec.hits()-before)
	}

	// hot deploy: an edit takes effect; a broken edit keeps the last good
	apiDir := filepath.Join(g.superDir, "..", "api")
	writeFile(t, filepath.Join(apiDir, "admin--Carte_v1.0.0.xml"), carteAPI("/carte"))
	took := waitFor(t, "the edited Carte served", 10*time.Second, func() bool {
		return g.doReq("GET", "/carte/1.0.0/carte", withKey(keyApp1), "").Status == http.StatusOK
	})
	t.Logf("an edited api file served after %v", took)
	if r := g.doReq("GET", "/carte/1.0.0/menu", withKey(keyApp1), ""); r.Status != http.StatusNotFound {
		t.Errorf("old mapping after the edit: %d, want 404", r.Status)
	}
	writeFile(t, filepath.Join(apiDir, "admin--Carte_v1.0.0.xml"), strings.Replace(carteAPI("/x"), "security.APIAuthenticationHandler", "security.NoSuchHandler", 1))
	waitFor(t, "the broken Carte refused", 10*time.Second, func() bool {
		f := g.apiFiles(t)["admin--Carte_v1.0.0.xml"]
		return f.State == "refused" && strings.Contains(f.Error, "admin--Carte_v1.0.0.xml:21:") && strings.Contains(f.Error, "NoSuchHandler")
	})
	if r := g.doReq("GET", "/carte/1.0.0/carte", withKey(keyApp1), ""); r.Status != http.StatusOK {
		t.Errorf("last good Carte after a broken edit: %d, want 200", r.Status)
	}
}

// lastPath is the path the recording backend saw for request id ("" none).
func (g *gateway) lastPath(_ *testing.T, b *backend, id string) string {
	if r, ok := b.byID(id); ok {
		return r.Path
	}
	return ""
}

// TestValidateAPIMHome: `seqgate validate <home>` checks the api folder as
// the gateway deploys it: each refused api file with file:line and why, and
// a second file serving a context already served in its tenant.
func TestValidateAPIMHome(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	superDir, _ := makeRepo(t, dir)
	apimHome(t, superDir, "http://127.0.0.1:1")
	writeFile(t, filepath.Join(superDir, "..", "api", "carte-copy.xml"), carteAPI("/copy"))
	code, stdout, stderr := runCLI(t, "validate", filepath.Join(dir, "home"))
	if code != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "30 files, 26 valid, 4 refused") {
		t.Errorf("stdout = %q", stdout)
	}
	for name, why := range apimRefused {
		if why != "uri-template" {
			continue // clash.xml: the YAML API it clashes with is not in the home
		}
		if !regexp.MustCompile(`(?m)` + regexp.QuoteMeta(name) + `:\d+: <http>: uri-template`).MatchString(stderr) {
			t.Errorf("stderr has no file:line refusal of %s:\n%s", name, stderr)
		}
	}
	if !regexp.MustCompile(`carte-copy\.xml:2: context /carte/1\.0\.0 is already served by \S*admin--Carte_v1\.0\.0\.xml`).MatchString(stderr) {
		t.Errorf("stderr has no clash of carte-copy.xml:\n%s", stderr)
	}
}

// TestExplainAPIMFile: `seqgate explain` names, for a request to an api
// file's API, the file and line of the API and resource and the <handlers>
// list the chain came from, each class with what seqgate runs for it.
func TestExplainAPIMFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	superDir, _ := makeRepo(t, dir)
	apimHome(t, superDir, "http://127.0.0.1:1")
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, gwConfig{}.yaml("127.0.0.1:1", "127.0.0.1:2", "http://127.0.0.1:1"))
	code, stdout, stderr := runCLI(t, "explain", "-config", cfgPath, "carbon.super", "GET", "/carte/1.0.0/menu")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, re := range []string{
		`(?m)^api\s+admin--Carte:v1\.0\.0 \(.*admin--Carte_v1\.0\.0\.xml:2\)`,
		`(?m)^resource\s+/menu \[GET\] \(.*admin--Carte_v1\.0\.0\.xml:3\)`,
		`(?m)^chain\s+extension -> cors -> auth -> throttle -> usage -> resource \(from .*admin--Carte_v1\.0\.0\.xml <handlers>\)`,
		`(?m)^\s+extension org\.wso2\.carbon\.apimgt\.gateway\.handlers\.ext\.APIManagerExtensionHandler \(.*:16\)`,
		`(?m)admin--Carte:v1\.0\.0/resource\[0\]/inSequence <- .*admin--Carte_v1\.0\.0\.xml:4`,
	} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("explain output has no line matching %q:\n%s", re, stdout)
		}
	}
}

// TestAPIMFileAPISecurity: the APIAuthenticationHandler property API-M's
// publisher writes, APISecurity (a real 3.2 gateway's PizzaShack file has
// value "oauth2,oauth_basic_auth_api_key_mandatory"), sets the credentials
// the API accepts: an oauth2-only API refuses an API key before the
// backend; one that lists api_key takes it. (seqgate read only
// "apiSecurity" and so opened every such API to API keys.)
func TestAPIMFileAPISecurity(t *testing.T) {
	rec := newBackend(t)
	api := func(name, security string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<api xmlns="http://ws.apache.org/ns/synapse" name="admin--` + name + `" context="/` + name + `/1.0.0" version="1.0.0" version-type="context">
   <resource methods="GET" url-mapping="/menu" faultSequence="fault">
      <inSequence>
         <send><endpoint><http uri-template="` + rec.url() + `/be/` + name + `"/></endpoint></send>
      </inSequence>
      <outSequence><send/></outSequence>
   </resource>
   <handlers>
      <handler class="org.wso2.carbon.apimgt.gateway.handlers.security.APIAuthenticationHandler">
         <property name="RemoveOAuthHeadersFromOutMessage" value="true"/>
         <property name="APISecurity" value="` + security + `"/>
      </handler>
   </handlers>
</api>
`
	}
	g := startGateway(t, gwConfig{Setup: func(superSeqDir, _ string) {
		apiDir := filepath.Join(superSeqDir, "..", "api")
		if err := os.MkdirAll(apiDir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(apiDir, "oauthonly.xml"), api("oauthonly", "oauth2,oauth_basic_auth_api_key_mandatory"))
		writeFile(t, filepath.Join(apiDir, "withkey.xml"), api("withkey", "oauth2,api_key,oauth_basic_auth_api_key_mandatory"))
	}})
	before := rec.hits()
	if r := g.doReq("GET", "/oauthonly/1.0.0/menu", withKey(keyApp1), ""); r.Status != http.StatusUnauthorized {
		t.Errorf("API key on an oauth2-only api file: %d %s, want 401", r.Status, r.Body)
	}
	if rec.hits() != before {
		t.Error("the refused API key reached the backend")
	}
	r := g.doReq("GET", "/withkey/1.0.0/menu", withKey(keyApp1), "")
	if r.Status != http.StatusOK {
		t.Fatalf("API key on an api file listing api_key: %d %s", r.Status, r.Body)
	}
	if p := rec.mustGet(t, r.ID).Path; p != "/be/withkey/menu" {
		t.Errorf("backend path %q", p)
	}
}

// TestAPIMFileUnsetHostVar: an http endpoint whose uri-template's host
// comes from a property that is not set (API-M's _TokenAPI_ sends to
// https://{uri.var.hostname}:{uri.var.portnum}/oauth2/token, filled by a
// handler seqgate maps to a no-op) is a 502 that says the host or port is
// missing, and nothing is dialled (before: "lookup : no such host" or
// "strconv.Atoi: parsing \"\"", a real 3.x _TokenAPI_ file gave the latter).
func TestAPIMFileUnsetHostVar(t *testing.T) {
	rec := newBackend(t)
	port := rec.url()[strings.LastIndexByte(rec.url(), ':')+1:]
	api := func(name, tmpl string) string {
		return `<api xmlns="http://ws.apache.org/ns/synapse" name="` + name + `" context="/` + name + `">
   <resource methods="POST" url-mapping="/*">
      <inSequence><send><endpoint><http uri-template="` + tmpl + `"/></endpoint></send></inSequence>
      <outSequence><send/></outSequence>
   </resource>
</api>
`
	}
	g := startGateway(t, gwConfig{Setup: func(superSeqDir, _ string) {
		apiDir := filepath.Join(superSeqDir, "..", "api")
		if err := os.MkdirAll(apiDir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(apiDir, "nohost.xml"), api("nohost", "http://{uri.var.hostname}:"+port+"/oauth2/token"))
		writeFile(t, filepath.Join(apiDir, "noport.xml"), api("noport", "http://{uri.var.hostname}:{uri.var.portnum}/oauth2/token"))
	}})
	for _, path := range []string{"/nohost", "/noport"} {
		before := rec.hits()
		r := g.doReq("POST", path, nil, "grant_type=client_credentials")
		if r.Status != http.StatusBadGateway {
			t.Errorf("%s: %d %s, want 502", path, r.Status, r.Body)
		}
		if rec.hits() != before {
			t.Errorf("%s: the request reached the backend through an empty host", path)
		}
	}
	if !strings.Contains(g.stderr.String(), `no host name or port`) {
		t.Errorf("no clear error logged:\n%s", tail(g.stderr.String(), 2000))
	}
}
