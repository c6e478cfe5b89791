package route

import (
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/sequences"
)

const testConfig = `
tenants: [{id: 1, domain: abc.com}]
tiers: [{name: Gold, requests: 10, unit: 1s}]
apis:
  - provider: admin
    name: Orders
    version: v1
    context: /orders
    tier: Gold
    backend: ["http://127.0.0.1:1"]
    resources:
      - {methods: [GET], uri_template: "/{id}"}
      - {methods: [POST], uri_template: "/"}
      - {methods: [GET, PUT], uri_template: "/{id}/items/{item}?expand={e}"}
      - {methods: [GET], uri_template: /files/*, auth: none}
      - {methods: [DELETE], uri_template: /admin/purge}
  - {provider: admin, name: Deep, version: "2.0", context: /orders/v1/deep, backend: ["http://127.0.0.1:1"]}
  - {provider: user1@abc.com, name: Stock, version: 1.0.0, context: /stock, tenant: abc.com, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: Stock, version: 1.0.0, context: /stock, backend: ["http://127.0.0.1:1"]}
`

func newTestRouter(t testing.TB) *Router {
	t.Helper()
	cfg, err := config.Parse([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMatch(t *testing.T) {
	r := newTestRouter(t)
	cases := []struct {
		name, method, path string
		status             int
		api, template      string
		postfix, vars      string // vars as "a=1,b=2"
		tenant             string
	}{
		{"var", "GET", "/orders/v1/42", 0, "admin--Orders:vv1", "/{id}", "/42", "id=42", "carbon.super"},
		{"var decoded", "GET", "/orders/v1/a%20b%2Fc", 0, "admin--Orders:vv1", "/{id}", "/a%20b%2Fc", "id=a b/c", "carbon.super"},
		{"query ignored", "GET", "/orders/v1/42?x=1&y=2", 0, "admin--Orders:vv1", "/{id}", "/42", "id=42", "carbon.super"},
		{"root slash", "POST", "/orders/v1/", 0, "admin--Orders:vv1", "/", "/", "", "carbon.super"},
		{"root none", "POST", "/orders/v1", 0, "admin--Orders:vv1", "/", "", "", "carbon.super"},
		{"two vars template query", "PUT", "/orders/v1/7/items/9", 0, "admin--Orders:vv1", "/{id}/items/{item}?expand={e}", "/7/items/9", "id=7,item=9", "carbon.super"},
		{"trailing slash tolerated", "GET", "/orders/v1/42/", 0, "admin--Orders:vv1", "/{id}", "/42/", "id=42", "carbon.super"},
		{"wildcard nothing", "GET", "/orders/v1/files", 0, "admin--Orders:vv1", "/files/*", "/files", "", "carbon.super"},
		{"wildcard deep", "GET", "/orders/v1/files/a/b/c.txt", 0, "admin--Orders:vv1", "/files/*", "/files/a/b/c.txt", "", "carbon.super"},
		{"literal beats var", "DELETE", "/orders/v1/admin/purge", 0, "admin--Orders:vv1", "/admin/purge", "/admin/purge", "", "carbon.super"},
		{"literal encoded", "DELETE", "/orders/v1/%61dmin/purge", 0, "admin--Orders:vv1", "/admin/purge", "/admin/purge", "", "carbon.super"},
		{"unreserved decoded, reserved kept", "GET", "/orders/v1/%7E%41%2D%3A%20", 0, "admin--Orders:vv1", "/{id}", "/~A-%3A%20", "id=~A-: ", "carbon.super"},
		{"literal case-sensitive", "DELETE", "/orders/v1/ADMIN/purge", 404, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"encoded upper case is not the literal", "DELETE", "/orders/v1/%41dmin/purge", 404, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"empty segment first", "GET", "/orders/v1//files/x", 400, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"empty segment inside", "GET", "/orders/v1/files//x", 400, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"path parameter", "DELETE", "/orders/v1/admin;x=1/purge", 400, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"encoded path parameter", "DELETE", "/orders/v1/admin%3bx/purge", 400, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"encoded path parameter upper", "GET", "/orders/v1/files/a%3Bb", 400, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"semicolon in query is fine", "GET", "/orders/v1/42?a=1;b=2", 0, "admin--Orders:vv1", "/{id}", "/42", "id=42", "carbon.super"},
		{"longest prefix", "GET", "/orders/v1/deep/2.0/x", 0, "admin--Deep:v2.0", "/*", "/x", "", "carbon.super"},
		{"tenant", "GET", "/t/abc.com/stock/1.0.0/quote", 0, "user1-AT-abc.com--Stock:v1.0.0", "/*", "/quote", "", "abc.com"},
		{"super same context", "GET", "/stock/1.0.0", 0, "admin--Stock:v1.0.0", "/*", "", "", "carbon.super"},
		{"method not allowed", "POST", "/orders/v1/42", 405, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"no resource", "GET", "/orders/v1/1/2/3/4", 404, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"wildcard not prefix of word", "GET", "/orders/v1/filesx/y", 404, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"no api", "GET", "/nothing/v1", 404, "", "", "", "", "carbon.super"},
		{"version missing", "GET", "/orders", 404, "", "", "", "", "carbon.super"},
		{"context not on boundary", "GET", "/ordersv1/x", 404, "", "", "", "", "carbon.super"},
		{"unknown tenant", "GET", "/t/zzz.com/stock/1.0.0", 404, "", "", "", "", ""},
		{"tenant api not in super", "GET", "/t/abc.com/orders/v1/1", 404, "", "", "", "", "abc.com"},
		{"empty var", "GET", "/orders/v1//", 400, "admin--Orders:vv1", "", "", "", "carbon.super"},
		{"dot dot", "GET", "/orders/v1/files/../admin/purge", 400, "", "", "", "", ""},
		{"encoded dot dot", "GET", "/orders/v1/files/%2e%2E/x", 400, "", "", "", "", ""},
		{"no leading slash", "GET", "orders/v1/1", 404, "", "", "", "", ""},
		{"empty", "GET", "", 404, "", "", "", "", ""},
	}
	var m Match
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := r.Match([]byte(tc.method), []byte(tc.path), &m)
			if st != tc.status {
				t.Fatalf("status %d, want %d", st, tc.status)
			}
			if got := apiName(m.API); got != tc.api {
				t.Errorf("api %q, want %q", got, tc.api)
			}
			if tc.tenant != "" && (m.Tenant == nil || m.Tenant.Domain != tc.tenant) {
				t.Errorf("tenant %+v, want %s", m.Tenant, tc.tenant)
			}
			if st != 0 {
				return
			}
			if m.Resource.Template != tc.template {
				t.Errorf("template %q, want %q", m.Resource.Template, tc.template)
			}
			if m.Postfix != tc.postfix {
				t.Errorf("postfix %q, want %q", m.Postfix, tc.postfix)
			}
			var vs []string
			for _, v := range m.Vars {
				vs = append(vs, v.Name+"="+v.Value)
			}
			if got := strings.Join(vs, ","); got != tc.vars {
				t.Errorf("vars %q, want %q", got, tc.vars)
			}
		})
	}
}

func apiName(a *API) string {
	if a == nil {
		return ""
	}
	return a.Name
}

func TestAPINames(t *testing.T) {
	r := newTestRouter(t)
	a := r.APIs()[2]
	want := []struct{ got, want string }{
		{a.Name, "user1-AT-abc.com--Stock:v1.0.0"},
		{a.InSeq, "user1-AT-abc.com--Stock:v1.0.0--In"},
		{a.OutSeq, "user1-AT-abc.com--Stock:v1.0.0--Out"},
		{a.Context, "/t/abc.com/stock"},
		{a.Prefix, "/t/abc.com/stock/1.0.0"},
		{a.Cfg.SynapseName(), sequences.APIName(a.Cfg.Provider, a.Cfg.Name, a.Cfg.Version)},
	}
	for _, w := range want {
		if w.got != w.want {
			t.Errorf("got %q, want %q", w.got, w.want)
		}
	}
	if r.APIs()[0].Tier == nil || r.APIs()[0].Tier.Name != "Gold" || r.APIs()[1].Tier != nil {
		t.Errorf("tiers not resolved")
	}
	if ts := r.Tenants(); len(ts) != 2 || ts[0].ID != config.SuperTenantID || ts[1].Domain != "abc.com" {
		t.Errorf("tenants %+v", ts)
	}
	if r.Tenant("abc.com") == nil || r.Tenant("") == nil || r.Tenant("x.org") != nil {
		t.Errorf("Tenant lookup wrong")
	}
}

func TestResourceAuth(t *testing.T) {
	r := newTestRouter(t)
	var m Match
	if r.Match([]byte("GET"), []byte("/orders/v1/files/x"), &m) != 0 || m.Resource.AuthRequired {
		t.Errorf("files/* must be unauthenticated")
	}
	if r.Match([]byte("GET"), []byte("/orders/v1/1"), &m) != 0 || !m.Resource.AuthRequired {
		t.Errorf("/{id} must require auth")
	}
}

func TestNewRefusesUnvalidatedDuplicates(t *testing.T) {
	cfg := &config.Config{APIs: []config.API{
		{Provider: "p", Name: "a", Version: "v1", Context: "/c", Resources: []config.Resource{{URITemplate: "/*"}}},
		{Provider: "p", Name: "b", Version: "v1", Context: "/c", Resources: []config.Resource{{URITemplate: "/*"}}},
	}}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "served twice") {
		t.Errorf("got %v", err)
	}
	cfg.APIs = cfg.APIs[:1]
	cfg.APIs[0].Resources[0].URITemplate = "/a/*/b"
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "apis[0]: resources[0]") {
		t.Errorf("got %v", err)
	}
}

func BenchmarkRouterMatch(b *testing.B) {
	r := newTestRouter(b)
	paths := []struct{ name, method, path string }{
		{"literal", "DELETE", "/orders/v1/admin/purge"},
		{"wildcard", "GET", "/orders/v1/files/a/b/c.txt?x=1"},
		{"twovars", "PUT", "/orders/v1/7/items/9"},
		{"tenant", "GET", "/t/abc.com/stock/1.0.0/quote"},
		{"notfound", "GET", "/nothing/v1/x"},
	}
	for _, p := range paths {
		method, path := []byte(p.method), []byte(p.path)
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			var m Match
			for b.Loop() {
				r.Match(method, path, &m)
			}
		})
	}
}
