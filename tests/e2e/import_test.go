package e2e

import (
	"archive/zip"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestImportProjectServes: `seqgate import` turns real-layout API-M 4.x
// projects (deploy/apimimport/testdata: PizzaShackAPI-1.0.0 with 4.0
// custom sequences, OrdersAPI-2.0.0 with 4.2 operation policies) into a
// config that `seqgate check` accepts and `seqgate run` serves: requests
// route to the projects' resources on the production backend, the
// resource the project opened (authType None) needs no credential, the
// others refuse a missing credential and a token without the resource's
// scope, the custom In and Out sequences run under their per-API names,
// and each operation policy runs on its own operation only.
func TestImportProjectServes(t *testing.T) {
	be := newBackend(t)
	idp := newTestIdP(t)

	// The projects, with their endpoints pointed at the recording backend.
	testdata := filepath.Join("..", "..", "deploy", "apimimport", "testdata")
	proj := filepath.Join(t.TempDir(), "PizzaShackAPI-1.0.0")
	copyTree(t, filepath.Join(testdata, "PizzaShackAPI-1.0.0"), proj, strings.NewReplacer("https://localhost:9443", be.url()))
	orders := filepath.Join(t.TempDir(), "OrdersAPI-2.0.0")
	copyTree(t, filepath.Join(testdata, "OrdersAPI-2.0.0"), orders, strings.NewReplacer("http://orders.internal:8080", be.url(), "http://orders-sandbox.internal:8080", be.url()+"/sbx"))

	phone := filepath.Join(t.TempDir(), "PhoneVerification-1.0.0") // 3.x, tenant acme.com
	copyTree(t, filepath.Join(testdata, "PhoneVerification-1.0.0"), phone,
		strings.NewReplacer("http://ws.cdyne.com", be.url(), "http://ws2.cdyne.com", be.url()))

	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "import", "-o", out, proj, orders, phone)
	if code != 0 {
		t.Fatalf("import: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"admin--PizzaShackAPI:v1.0.0 at /pizzashack/1.0.0, 4 resources, auth oauth2,apikey", "sequences In, Out",
		"sequence admin--PizzaShackAPI:v1.0.0--In from"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "sandbox endpoints not mapped") {
		t.Errorf("import stderr reports sandbox endpoints, which are now mapped:\n%s", stderr)
	}
	cfg := filepath.Join(out, "seqgate.yaml")
	t.Setenv("SEQGATE_APIM_ISSUER", idp.issuer)
	t.Setenv("SEQGATE_APIM_JWKS", idp.srv.URL)
	if code, so, se := runCLI(t, "check", "-config", cfg); code != 0 || !strings.Contains(so, "5 files, 5 valid") {
		t.Fatalf("check: exit %d\n%s\n%s", code, so, se)
	}

	// Listeners and an application with a key: what an import cannot know
	// (and no drain delay, so the harness's stop is quick).
	base, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, backend: be, client: newClient()}
	started := false
	for attempt := 0; attempt < 3 && !started; attempt++ {
		traffic, admin := freePort(t), freePort(t)
		writeFile(t, cfg, string(base)+"listen: {http: \""+traffic+"\", admin: \""+admin+"\"}\n"+
			"applications: [{name: Shop, keys: [shop-key-1]}, {name: ShopSandbox, key_type: SANDBOX, keys: [shop-sbx-1]}]\nlifecycle: {drain_delay: 0s}\n")
		started = g.launch(cfg, traffic, admin)
	}
	if !started {
		t.Fatal("seqgate did not start")
	}

	menu := g.doReq("GET", "/pizzashack/1.0.0/menu", nil, "")
	if menu.Status != http.StatusOK {
		t.Fatalf("GET menu (auth None): %d %s", menu.Status, menu.Body)
	}
	got := be.mustGet(t, menu.ID)
	if !strings.HasSuffix(got.Path, "/am/sample/pizzashack/v1/api/menu") {
		t.Errorf("backend path %q", got.Path)
	}
	if got.Header.Get("X-Pizza-In") != "baked" || got.Header.Get("X-Pizza-Api") != "admin--PizzaShackAPI:v1.0.0" {
		t.Errorf("the imported In sequence did not run: backend headers %v", got.Header)
	}
	if menu.Header.Get("X-Pizza-Out") != "served" {
		t.Errorf("the imported Out sequence did not run: response headers %v", menu.Header)
	}

	// A SANDBOX key reaches the sandbox endpoints of the 4.x projects
	// (PizzaShack's http one, OrdersAPI's failover primary), a PRODUCTION
	// key the production ones.
	for _, c := range []struct{ path, key, want string }{
		{"/pizzashack/1.0.0/order/42", "shop-sbx-1", "/am/sample/pizzashack/v1/sandbox/order/42"},
		{"/pizzashack/1.0.0/order/42", "shop-key-1", "/am/sample/pizzashack/v1/api/order/42"},
		{"/orders/2.0.0/orders/7", "shop-sbx-1", "/sbx/v2/orders/7"},
		{"/orders/2.0.0/orders/7", "shop-key-1", "/v2/orders/7"},
	} {
		r := g.doReq("GET", c.path, withKey(c.key), "")
		if r.Status != http.StatusOK {
			t.Errorf("%s with %s: %d %s", c.path, c.key, r.Status, r.Body)
			continue
		}
		if got := be.mustGet(t, r.ID).Path; got != c.want {
			t.Errorf("%s with %s: backend path %q, want %q", c.path, c.key, got, c.want)
		}
	}

	// API-M 4.1+ operation policies: the API-level one on every request,
	// each operation's own only on it (the switch on API_ELECTED_RESOURCE).
	for _, c := range []struct{ method, path, op string }{
		{"GET", "/orders/2.0.0/orders/7", "get-order"},
		{"POST", "/orders/2.0.0/orders", "create-order"},
		{"GET", "/orders/2.0.0/orders", ""},
	} {
		r := g.doReq(c.method, c.path, withKey("shop-key-1"), "")
		if r.Status != http.StatusOK {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.Status, r.Body)
			continue
		}
		rec := be.mustGet(t, r.ID)
		if rec.Header.Get("X-Orders-Api") != `v2 & "co"` || rec.Header.Get("X-Orders-Op") != c.op {
			t.Errorf("%s %s: backend got X-Orders-Api %q X-Orders-Op %q, want op %q", c.method, c.path,
				rec.Header.Get("X-Orders-Api"), rec.Header.Get("X-Orders-Op"), c.op)
		}
		if r.Header.Get("X-Orders-Out") != "done" {
			t.Errorf("%s %s: the response policy did not run: %v", c.method, c.path, r.Header)
		}
		// rateHint_v1.j2 is {% if limit %}<header ... value="{{limit}}"/>{% endif %}, on GET /orders only
		if want := map[bool]string{true: "100"}[c.op == "" && c.method == "GET"]; rec.Header.Get("X-Rate-Hint") != want {
			t.Errorf("%s %s: X-Rate-Hint %q, want %q", c.method, c.path, rec.Header.Get("X-Rate-Hint"), want)
		}
	}

	// The 3.x project: a tenant API, its In sequence from
	// Sequences/in-sequence/Custom, its open resource and a keyed one
	// (the Shop application is the super tenant's: refused there).
	health := g.doReq("GET", "/t/acme.com/phoneverify/1.0.0/health", nil, "")
	if health.Status != http.StatusOK || be.mustGet(t, health.ID).Header.Get("X-Phone-In") != "checked" {
		t.Errorf("tenant API health: %d %s, or its In sequence did not run", health.Status, health.Body)
	}
	if r := g.doReq("GET", "/t/acme.com/phoneverify/1.0.0/CheckPhoneNumber", withKey("shop-key-1"), ""); r.Status != http.StatusUnauthorized {
		t.Errorf("another tenant's key on the tenant API: %d %s, want 401", r.Status, r.Body)
	}

	scoped := idp.token(t, "order_pizza")
	unscoped := idp.token(t, "")
	cases := []struct {
		name, method, path string
		hdr                map[string]string
		status             int
		code               string // the gateway's error code, when refused
	}{
		{"no credential", "GET", "/pizzashack/1.0.0/order/42", nil, 401, "900902"},
		{"api key", "GET", "/pizzashack/1.0.0/order/42", withKey("shop-key-1"), 200, ""},
		{"wrong api key", "GET", "/pizzashack/1.0.0/order/42", withKey("nope"), 401, "900901"},
		{"token, unscoped resource", "GET", "/pizzashack/1.0.0/order/42", bearer(unscoped), 200, ""},
		{"token without the scope", "POST", "/pizzashack/1.0.0/order", bearer(unscoped), 403, "900910"},
		{"token with the scope", "POST", "/pizzashack/1.0.0/order", bearer(scoped), 200, ""},
		{"token without the scope, merged resource", "DELETE", "/pizzashack/1.0.0/order/42", bearer(unscoped), 403, "900910"},
		{"token with the scope, merged resource", "DELETE", "/pizzashack/1.0.0/order/42", bearer(scoped), 200, ""},
		{"no such resource", "GET", "/pizzashack/1.0.0/drinks", withKey("shop-key-1"), 404, ""},
		{"method the project does not list", "PATCH", "/pizzashack/1.0.0/order/42", withKey("shop-key-1"), 405, ""},
	}
	for _, c := range cases {
		n := be.hits()
		r := g.doReq(c.method, c.path, c.hdr, "")
		if r.Status != c.status {
			t.Errorf("%s: %s %s: %d %s, want %d", c.name, c.method, c.path, r.Status, r.Body, c.status)
			continue
		}
		if c.status != 200 {
			if be.hits() != n {
				t.Errorf("%s: refused, yet the backend was called", c.name)
			}
			if c.code != "" && !strings.Contains(string(r.Body), c.code) {
				t.Errorf("%s: body %s, want code %s", c.name, r.Body, c.code)
			}
			continue
		}
		rec := be.mustGet(t, r.ID)
		if rec.Method != c.method || !strings.HasSuffix(rec.Path, strings.TrimPrefix(c.path, "/pizzashack/1.0.0")) {
			t.Errorf("%s: backend got %s %s", c.name, rec.Method, rec.Path)
		}
		if rec.Header.Get("X-Pizza-In") != "baked" {
			t.Errorf("%s: In sequence did not run", c.name)
		}
	}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// copyTree copies a folder, passing each file through r.
func copyTree(t *testing.T, from, to string, r *strings.Replacer) {
	t.Helper()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if fi.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, []byte(r.Replace(string(b))), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testIdP is a key manager standing in for API-M's: an RSA key, its JWKS
// on 127.0.0.1, and tokens signed with it.
type testIdP struct {
	key    *rsa.PrivateKey
	srv    *httptest.Server
	issuer string
}

func newTestIdP(t *testing.T) *testIdP {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := &testIdP{key: k, issuer: "https://km.test/oauth2/token"}
	b64 := base64.RawURLEncoding.EncodeToString
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "km", "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}}})
	idp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(idp.srv.Close)
	return idp
}

// token signs an access token carrying scope (space separated; "" none).
func (p *testIdP) token(t *testing.T, scope string) string {
	t.Helper()
	c := jwt.MapClaims{"iss": p.issuer, "sub": "ann", "azp": "shop-client", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	if scope != "" {
		c["scope"] = scope
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "km"
	s, err := tok.SignedString(p.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImportCLI: OpenAPI 3 and Swagger 2 files import into a config that
// `seqgate check` accepts; unusable input is a clear error with its exit
// code, and nothing is written for it.
func TestImportCLI(t *testing.T) {
	testdata := filepath.Join("..", "..", "deploy", "apimimport", "testdata")
	out := filepath.Join(t.TempDir(), "oas")
	code, stdout, stderr := runCLI(t, "import", "-o", out, "-tenant", "shop.example", "-tenant-id", "3",
		filepath.Join(testdata, "petstore-oas3.yaml"), filepath.Join(testdata, "petstore-swagger2.json"))
	if code != 0 || !strings.Contains(stdout, "admin--SwaggerPetstore:v1.0.5 at /v3/1.0.5 (tenant shop.example), 4 resources, auth oauth2") ||
		!strings.Contains(stdout, "admin--PetstoreLegacy:vv2 at /legacy-pets/v2 (tenant shop.example), 3 resources, auth apikey") {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, so, se := runCLI(t, "check", "-config", filepath.Join(out, "seqgate.yaml")); code != 0 || !strings.Contains(so, "config ok, 2 APIs, 2 tenants") {
		t.Errorf("check: exit %d\n%s\n%s", code, so, se)
	}
	if code, _, se := runCLI(t, "import", "-o", out, filepath.Join(testdata, "petstore-oas3.yaml")); code != 2 || !strings.Contains(se, "seqgate.yaml exists") {
		t.Errorf("second import into the same folder: exit %d, stderr %s", code, se)
	}

	dir := t.TempDir()
	slip := filepath.Join(dir, "slip.zip")
	writeZipFile(t, slip, map[string]string{"../../evil/api.yaml": "type: api\n"})
	graphql := filepath.Join(dir, "g")
	if err := os.MkdirAll(graphql, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(graphql, "api.yaml"), "type: api\ndata:\n  name: G\n  version: v1\n  provider: admin\n  context: /g\n  type: GRAPHQL\n")
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"import"}, 2, "want at least one project folder"},
		{[]string{"import", "-o", filepath.Join(dir, "o1"), slip}, 2, "zip slip"},
		{[]string{"import", "-o", filepath.Join(dir, "o2"), graphql}, 1, `api.yaml:7: not imported: API type "GRAPHQL"`},
		{[]string{"import", "-o", filepath.Join(dir, "o3"), filepath.Join(dir, "nope.yaml")}, 2, "no such file"},
	} {
		code, _, se := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(se, c.stderr) {
			t.Errorf("seqgate %v: exit %d, stderr:\n%s\nwant %d and %q", c.args, code, se, c.code, c.stderr)
		}
	}
	for _, o := range []string{"o1", "o2", "o3"} {
		if _, err := os.Stat(filepath.Join(dir, o)); err == nil {
			t.Errorf("%s written for a refused input", o)
		}
	}
}

// writeZipFile writes a zip holding files (name -> content).
func writeZipFile(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
