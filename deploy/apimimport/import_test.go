package apimimport

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
	_ "github.com/seqgate/seqgate/mediation/mediators" // the mediators sequences compile with
	"github.com/seqgate/seqgate/sequences"
)

// importOK imports inputs and checks that the written config loads with
// deploy/config exactly as `seqgate check` reads it.
func importOK(t *testing.T, opt Options, inputs ...string) (*Result, *config.Config) {
	t.Helper()
	r, err := Import(inputs, opt)
	if err != nil {
		t.Fatal(err)
	}
	y, err := r.YAML("test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(y)
	if err != nil {
		t.Fatalf("written config does not load: %v\n%s", err, y)
	}
	return r, c
}

func findAPI(t *testing.T, c *config.Config, name string) *config.API {
	t.Helper()
	for i := range c.APIs {
		if c.APIs[i].Name == name {
			return &c.APIs[i]
		}
	}
	t.Fatalf("no API %s", name)
	return nil
}

func notesText(r *Result) string {
	var b strings.Builder
	for _, n := range r.Notes {
		b.WriteString(n.String() + "\n")
	}
	return b.String()
}

// TestImportProjects: each testdata input maps to the API, resources,
// auth, scopes, tiers and sequences API-M would serve, and says what it
// could not map with file:line.
func TestImportProjects(t *testing.T) {
	type res struct {
		methods, tmpl, auth, tier, scopes string
	}
	cases := []struct {
		input, api            string
		context, tenant, auth string
		tier, apiTier         string
		backend, sandbox      string
		resources             []res
		seqs                  []string // per-API sequence names written
		notes                 []string // substrings of notes, each must appear
	}{
		{
			input: "testdata/PizzaShackAPI-1.0.0", api: "PizzaShackAPI",
			context: "/pizzashack", auth: "oauth2,apikey", tier: "Gold", apiTier: "50KPerMin",
			backend: "https://localhost:9443/am/sample/pizzashack/v1/api/",
			sandbox: "https://localhost:9443/am/sample/pizzashack/v1/sandbox/",
			resources: []res{
				{"POST", "/order", "", "20KPerMin", "order_pizza"},
				{"GET", "/menu", "none", "", ""},
				{"GET", "/order/{orderId}", "", "", ""},
				{"PUT DELETE", "/order/{orderId}", "", "", "order_pizza"},
			},
			seqs:  []string{"admin--PizzaShackAPI:v1.0.0--In", "admin--PizzaShackAPI:v1.0.0--Out"},
			notes: []string{"api.yaml:25: subscription tiers Gold, Unlimited"},
		},
		{
			input: "testdata/PhoneVerification-1.0.0", api: "PhoneVerification",
			context: "/phoneverify", tenant: "acme.com", auth: "oauth2,apikey", tier: "Bronze",
			backend: "http://ws.cdyne.com/phoneverify/phoneverify.asmx http://ws2.cdyne.com/phoneverify/phoneverify.asmx",
			sandbox: "http://sandbox.cdyne.com/phoneverify/phoneverify.asmx",
			resources: []res{
				{"GET", "/CheckPhoneNumber", "", "", "verify_phone"},
				{"POST", "/CheckPhoneNumber", "", "10KPerMin", ""},
				{"GET", "/health", "none", "", ""},
			},
			seqs: []string{"alice-AT-acme.com--PhoneVerification:v1.0.0--In"},
			notes: []string{
				"api.yaml:127: security scheme mutualssl not mapped",
				`api.yaml:79: resource GET /files/{name}.json: segment "{name}.json"`,
				`api.yaml:93: fault sequence "json_fault": no file`,
				"debug_in_flow.xml: custom sequence not used",
				"api.yaml:116: isDefaultVersion",
			},
		},
		{
			input: "testdata/petstore-oas3.yaml", api: "SwaggerPetstore",
			context: "/v3", auth: "oauth2", backend: "http://petstore.example.com/v3",
			resources: []res{
				{"GET", "/pets", "", "Bronze", "read:pets"},
				{"POST", "/pets", "", "", "write:pets"},
				{"GET", "/pets/{petId}", "", "", "read:pets"},
				{"GET", "/health", "none", "", ""},
			},
		},
		{
			input: "testdata/petstore-swagger2.json", api: "PetstoreLegacy",
			context: "/legacy-pets", auth: "apikey", apiTier: "10KPerMin", backend: "https://petstore.swagger.io/v2",
			sandbox: "https://sandbox.petstore.swagger.io/v2 https://sandbox2.petstore.swagger.io/v2",
			resources: []res{
				{"GET", "/pet/{petId}", "", "", ""},
				{"DELETE", "/pet/{petId}", "", "", "pet_admin"},
				{"GET", "/store/inventory", "none", "", ""},
			},
			notes: []string{"petstore-swagger2.json:14: scopes are checked on oauth2 tokens and basic users only"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.api, func(t *testing.T) {
			r, c := importOK(t, Options{}, tc.input)
			a := findAPI(t, c, tc.api)
			tenant := tc.tenant
			if tenant == "" {
				tenant = config.SuperTenantDomain
			}
			if a.Context != tc.context || a.Tenant != tenant || a.Auth != tc.auth || a.Tier != tc.tier || a.APITier != tc.apiTier {
				t.Errorf("got context %q tenant %q auth %q tier %q api_tier %q", a.Context, a.Tenant, a.Auth, a.Tier, a.APITier)
			}
			if got := strings.Join(a.Backend, " "); got != tc.backend {
				t.Errorf("backend %q, want %q", got, tc.backend)
			}
			if got := strings.Join(a.SandboxBackend, " "); got != tc.sandbox {
				t.Errorf("sandbox_backend %q, want %q", got, tc.sandbox)
			}
			if len(a.Resources) != len(tc.resources) {
				t.Fatalf("%d resources, want %d: %+v", len(a.Resources), len(tc.resources), a.Resources)
			}
			for i, w := range tc.resources {
				g := a.Resources[i]
				got := res{strings.Join(g.Methods, " "), g.URITemplate, g.Auth, g.Tier, strings.Join(g.Scopes, " ")}
				if got != w {
					t.Errorf("resource %d: %+v, want %+v", i, got, w)
				}
			}
			var seqs []string
			for _, s := range r.Sequences {
				seqs = append(seqs, s.Name)
				if want := `name="` + s.Name + `"`; !bytes.Contains(s.Data, []byte(want)) {
					t.Errorf("%s: renamed file lacks %s:\n%s", s.Name, want, s.Data)
				}
			}
			if strings.Join(seqs, " ") != strings.Join(tc.seqs, " ") {
				t.Errorf("sequences %v, want %v", seqs, tc.seqs)
			}
			all := notesText(r)
			for _, n := range tc.notes {
				if !strings.Contains(all, n) {
					t.Errorf("no note %q in:\n%s", n, all)
				}
			}
		})
	}
}

// TestImportRefusals: inputs that cannot become an API say why, with the
// line, and import nothing for it.
func TestImportRefusals(t *testing.T) {
	cases := []struct {
		name, file, body, note string
	}{
		{"graphql", "api.yaml", "type: api\ndata:\n  name: G\n  version: 1\n  provider: admin\n  context: /g\n  type: GRAPHQL\n", `api.yaml:7: not imported: API type "GRAPHQL"`},
		{"product", "api.yaml", "type: api_product\ndata:\n  name: P\n", `api.yaml:1: not imported: type "api_product"`},
		{"mtls only", "api.yaml", "type: api\ndata:\n  name: M\n  version: 1\n  provider: admin\n  context: /m\n  securityScheme: [mutualssl, mutualssl_mandatory]\n  endpointConfig: {endpoint_type: http, production_endpoints: {url: 'http://b'}}\n", "not imported: admin--M:v1: none of its security schemes"},
		{"no production", "api.yaml", "type: api\ndata:\n  name: S\n  version: 1\n  provider: admin\n  context: /s\n  endpointConfig: {endpoint_type: http, sandbox_endpoints: {url: 'http://b'}}\n", "not imported: admin--S:v1 has no production endpoint"},
		{"bad provider", "api.yaml", "type: api\ndata:\n  name: x\n  version: 1\n  provider: ../../etc\n  context: /s\n", `not imported: API provider "../../etc"`},
		{"mock", "api.yaml", "type: api\ndata:\n  name: x\n  version: 1\n  provider: a\n  context: /s\n  endpointImplementationType: INLINE\n", "api.yaml:7: not imported: INLINE implementation"},
		{"aws", "api.yaml", "type: api\ndata:\n  name: x\n  version: 1\n  provider: a\n  context: /s\n  endpointConfig: {endpoint_type: awslambda}\n", `endpoint_type "awslambda" not mapped`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			r, _ := importOK(t, Options{}, dir)
			if len(r.Config.APIs) != 0 {
				t.Errorf("imported %+v", r.Config.APIs)
			}
			if all := notesText(r); !strings.Contains(all, tc.note) {
				t.Errorf("no note %q in:\n%s", tc.note, all)
			}
		})
	}
}

// TestImportTenantOption: -tenant moves every API into that tenant with
// the given id, its sequences with it.
func TestImportTenantOption(t *testing.T) {
	r, c := importOK(t, Options{Tenant: "shop.example", TenantID: 7}, "testdata/PizzaShackAPI-1.0.0")
	if a := findAPI(t, c, "PizzaShackAPI"); a.Tenant != "shop.example" {
		t.Errorf("tenant %q", a.Tenant)
	}
	if len(c.Tenants) != 1 || c.Tenants[0].ID != 7 {
		t.Errorf("tenants %+v", c.Tenants)
	}
	out := t.TempDir()
	if _, err := r.Write(out, false, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "repository/tenants/7/synapse-configs/default/sequences/admin--PizzaShackAPI:v1.0.0--In.xml")); err != nil {
		t.Error(err)
	}
	if _, err := r.Write(out, false, "x"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second write without overwrite: %v", err)
	}
}

func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
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
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportZip: an apictl zip (one top folder) imports like the folder;
// a zip-slip name, or a file that decompresses past the bound, refuses the
// whole archive before anything is written.
func TestImportZip(t *testing.T) {
	files := map[string]string{}
	root := "testdata/PizzaShackAPI-1.0.0"
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel("testdata", p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, c := importOK(t, Options{}, writeZip(t, files))
	findAPI(t, c, "PizzaShackAPI")
	if len(r.Sequences) != 2 {
		t.Errorf("%d sequences", len(r.Sequences))
	}
	if !strings.Contains(r.Done[0], "p.zip!PizzaShackAPI-1.0.0/api.yaml") {
		t.Errorf("done line names %q", r.Done[0])
	}

	for _, bad := range []string{"../evil/api.yaml", "/abs/api.yaml", `x\..\api.yaml`, "a/./api.yaml", "C:/api.yaml"} {
		_, err := Import([]string{writeZip(t, map[string]string{bad: "type: api\n"})}, Options{})
		if err == nil || !strings.Contains(err.Error(), "zip slip") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	big := strings.Repeat("a", MaxFileBytes+1) // compresses to a few KiB
	_, err = Import([]string{writeZip(t, map[string]string{"p/api.yaml": big})}, Options{})
	if err == nil || !strings.Contains(err.Error(), "decompressed") {
		t.Errorf("bomb: %v", err)
	}
	if _, err := Import([]string{writeZip(t, map[string]string{"readme.txt": "x"})}, Options{}); err == nil || !strings.Contains(err.Error(), "no API project") {
		t.Errorf("empty zip: %v", err)
	}
}

// TestImportBadInputs: an input that is nothing importable is an error
// naming it.
func TestImportBadInputs(t *testing.T) {
	dir := t.TempDir()
	notOAS := filepath.Join(dir, "x.yaml")
	os.WriteFile(notOAS, []byte("a: 1\n"), 0o644)
	txt := filepath.Join(dir, "x.txt")
	os.WriteFile(txt, []byte("a"), 0o644)
	broken := filepath.Join(dir, "b.yaml")
	os.WriteFile(broken, []byte("openapi: [\n"), 0o644)
	for _, tc := range []struct{ in, want string }{
		{notOAS, "neither an OpenAPI 3"},
		{txt, "not a project folder"},
		{broken, "b.yaml"},
		{filepath.Join(dir, "missing"), "no such file"},
		{dir, "no API project"},
	} {
		if _, err := Import([]string{tc.in}, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestRenameSequence: the root's name is replaced (or added) and nothing
// else in the file moves.
func TestRenameSequence(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{`<sequence name="a" xmlns="x"><log/></sequence>`, `<sequence name="N" xmlns="x"><log/></sequence>`, ""},
		{"<?xml version='1.0'?>\n<!-- c name=\"z\" -->\n<sequence\n  xmlns=\"x\" name='a'>\n<log/></sequence>", "<?xml version='1.0'?>\n<!-- c name=\"z\" -->\n<sequence\n  xmlns=\"x\" name=\"N\">\n<log/></sequence>", ""},
		{`<sequence xmlns="x"><log/></sequence>`, `<sequence name="N" xmlns="x"><log/></sequence>`, ""},
		{`<log xmlns="x"/>`, "", "not <sequence>"},
		{``, "", "no root"},
	} {
		got, err := renameSequence([]byte(tc.in), "N")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%q:\n got %q (%v)\nwant %q", tc.in, got, err, tc.want)
		}
	}
}

// TestImportPolicies: API-M 4.1+ operation policies become the API's
// In/Out sequences the way API-M's gateway builds them (API-level first,
// then a switch on METHOD_resource), attribute values escaped; policies
// that cannot be rendered are named with their line.
func TestImportPolicies(t *testing.T) {
	r, c := importOK(t, Options{}, "testdata/OrdersAPI-2.0.0")
	a := findAPI(t, c, "OrdersAPI")
	if a.Auth != "apikey" || a.Tier != "Bronze" || len(a.Resources) != 3 {
		t.Errorf("api %+v", a)
	}
	// 4.x failover endpointConfig: the production and sandbox primaries.
	if strings.Join(a.Backend, " ") != "http://orders.internal:8080/v2" || strings.Join(a.SandboxBackend, " ") != "http://orders-sandbox.internal:8080/v2" {
		t.Errorf("backend %v sandbox_backend %v", a.Backend, a.SandboxBackend)
	}
	seqs := map[string]string{}
	for _, s := range r.Sequences {
		seqs[s.Name] = string(s.Data)
	}
	in := seqs["admin--OrdersAPI:v2.0.0--In"]
	for _, want := range []string{
		`<header name="X-Orders-Api" scope="transport" value="v2 &amp; &#34;co&#34;"/>`,
		`<switch source="fn:concat($ctx:REST_METHOD,'_',$ctx:API_ELECTED_RESOURCE)">`,
		`<case regex="GET_/orders/\{orderId\}">`,
		`<header name="X-Orders-Op" scope="transport" value="get-order"/>`,
		`<case regex="POST_/orders">`,
		`<property name="order" value="created"/>`,
		`<header name="X-Rate-Hint" scope="transport" value="100"/>`, // {% if limit %}: rendered by sequences.RenderJ2
	} {
		if !strings.Contains(in, want) {
			t.Errorf("In sequence lacks %s:\n%s", want, in)
		}
	}
	if strings.Contains(in, "maskCard") {
		t.Errorf("an unrenderable policy got in:\n%s", in)
	}
	if out := seqs["admin--OrdersAPI:v2.0.0--Out"]; !strings.Contains(out, `name="X-Orders-Out"`) {
		t.Errorf("Out sequence:\n%s", out)
	}
	if _, ok := seqs["admin--OrdersAPI:v2.0.0--Fault"]; ok {
		t.Error("a Fault sequence without fault policies")
	}
	all := notesText(r)
	for _, want := range []string{
		"api.yaml:77: policy maskCard v1: no template",
		"api.yaml:18: failover endpoints: only the production and sandbox primaries are used",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no note %q in:\n%s", want, all)
		}
	}
}

// TestImportedSequencesCompile: every sequence an import writes compiles
// with the gateway's compiler, under the per-API name the router looks up.
func TestImportedSequencesCompile(t *testing.T) {
	r, c := importOK(t, Options{}, "testdata/PizzaShackAPI-1.0.0", "testdata/PhoneVerification-1.0.0", "testdata/OrdersAPI-2.0.0")
	if len(r.Sequences) != 5 {
		t.Errorf("%d sequences, want 5", len(r.Sequences))
	}
	for _, s := range r.Sequences {
		seq, err := sequences.Compile(s.Name+".xml", s.Data)
		if err != nil {
			t.Errorf("%s (from %s): %v\n%s", s.Name, s.From, err, s.Data)
			continue
		}
		if seq.Name != s.Name {
			t.Errorf("compiled name %q, want %q", seq.Name, s.Name)
		}
	}
	for i := range c.APIs {
		a := &c.APIs[i]
		if got, want := synapseName(a.Provider, a.Name, a.Version), sequences.APIName(a.Provider, a.Name, a.Version); got != want {
			t.Errorf("synapseName %q, sequences.APIName %q", got, want)
		}
	}
}

// TestImportParamsNoted: apictl's per-environment params file is named,
// not silently ignored, and the API still imports from api.yaml.
func TestImportParamsNoted(t *testing.T) {
	dir := t.TempDir()
	api := "type: api\ndata:\n  name: P\n  version: v1\n  provider: admin\n  context: /p\n  securityScheme: [api_key]\n" +
		"  endpointConfig: {endpoint_type: http, production_endpoints: {url: 'http://127.0.0.1:9/p'}}\n"
	for name, body := range map[string]string{"api.yaml": api, "api_params.yaml": "environments:\n  - name: prod\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, c := importOK(t, Options{}, dir)
	if a := findAPI(t, c, "P"); a.Auth != "apikey" || len(a.Resources) != 1 || a.Resources[0].URITemplate != "/*" {
		t.Errorf("api %+v", a)
	}
	if all := notesText(r); !strings.Contains(all, "api_params.yaml: environment parameters are not applied") {
		t.Errorf("notes:\n%s", all)
	}
}

// TestImportDuplicates: the same API twice, or two APIs on one URL, keep
// the first and name it; the config still loads.
func TestImportDuplicates(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	api := "type: api\ndata:\n  name: Other\n  version: 1.0.0\n  provider: admin\n  context: /pizzashack\n  securityScheme: [api_key]\n" +
		"  endpointConfig: {endpoint_type: http, production_endpoints: {url: 'http://127.0.0.1:9/p'}}\n"
	if err := os.WriteFile(filepath.Join(other, "api.yaml"), []byte(api), 0o644); err != nil {
		t.Fatal(err)
	}
	r, c := importOK(t, Options{}, "testdata/PizzaShackAPI-1.0.0", "testdata/PizzaShackAPI-1.0.0", other)
	if len(c.APIs) != 1 {
		t.Errorf("%d APIs", len(c.APIs))
	}
	all := notesText(r)
	for _, want := range []string{"not imported: admin--PizzaShackAPI:v1.0.0 is already imported from testdata/PizzaShackAPI-1.0.0/api.yaml",
		"other/api.yaml:6: not imported: /pizzashack/1.0.0 is already served by the API from testdata/PizzaShackAPI-1.0.0/api.yaml"} {
		if !strings.Contains(all, want) {
			t.Errorf("no note %q in:\n%s", want, all)
		}
	}
	if len(r.Sequences) != 2 {
		t.Errorf("%d sequences, want the first import's 2", len(r.Sequences))
	}
}

// TestImportUnmappedSettings: settings seqgate has no per-API equivalent
// for are named with their line when a project turns them on.
func TestImportUnmappedSettings(t *testing.T) {
	dir := t.TempDir()
	api := "type: api\ndata:\n  name: P\n  version: v1\n  provider: admin\n  context: /p\n  securityScheme: [oauth2]\n" +
		"  enableSchemaValidation: true\n  responseCachingEnabled: false\n  authorizationHeader: X-Token\n  apiKeyHeader: apikey\n" +
		"  endpointConfig: {endpoint_type: http, production_endpoints: {url: 'http://127.0.0.1:9/p'}}\n"
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(api), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := importOK(t, Options{}, dir)
	all := notesText(r)
	for _, want := range []string{"api.yaml:8: enableSchemaValidation is on: not mapped", `api.yaml:10: authorizationHeader "X-Token" not mapped`} {
		if !strings.Contains(all, want) {
			t.Errorf("no note %q in:\n%s", want, all)
		}
	}
	for _, not := range []string{"responseCachingEnabled", "apiKeyHeader"} {
		if strings.Contains(all, not) {
			t.Errorf("a note about %s, which is off or the default:\n%s", not, all)
		}
	}
}
