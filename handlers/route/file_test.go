package route

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/sequences"
)

func loadAPIFile(t *testing.T, name string) *sequences.API {
	t.Helper()
	p := filepath.Join("testdata", "api", name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a, err := sequences.CompileAPI(p, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestMatchFileAPIs routes requests to API-M api files as Synapse would:
// the context carries the version, url-mapping exact/prefix/extension,
// uri-template {var}, {+rest} and a query part, a default-version context
// routed to its versioned API, a tenant's /t/<domain> context.
func TestMatchFileAPIs(t *testing.T) {
	cfg, err := config.Parse([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	eff, refused := cfg.WithFileAPIs(map[string][]*sequences.API{
		config.SuperTenantDomain: {loadAPIFile(t, "shop.xml"), loadAPIFile(t, "shop-default.xml"), loadAPIFile(t, "mixed.xml")},
		"abc.com":                {loadAPIFile(t, "tenant.xml")},
	})
	if len(refused) != 0 {
		t.Fatalf("refused: %v", refused)
	}
	r, err := New(eff)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path string
		status       int
		template     string
		vars         string
	}{
		{"GET", "/shop/1.0.0/menu", 0, "/menu", ""},
		{"GET", "/shop/1.0.0/menu/x", 405, "", ""}, // /menu is exact; only DELETE /* fits
		{"POST", "/shop/1.0.0/order", 0, "/order/*", ""},
		{"POST", "/shop/1.0.0/order/7/lines", 0, "/order/*", ""},
		{"GET", "/shop/1.0.0/a/b/c.json", 0, "*.json", ""},
		{"GET", "/shop/1.0.0/items/42", 0, "/items/{id}?expand={expand}", "id=42"},
		{"GET", "/shop/1.0.0/files/a/b%20c/d.txt", 0, "/files/{+path}", "path=a/b c/d.txt"},
		{"DELETE", "/shop/1.0.0/anything/else", 0, "/*", ""},
		{"PUT", "/shop/1.0.0/menu", 405, "", ""},
		{"GET", "/shop/menu", 0, "/menu", ""}, // default version: the versioned API's resources
		{"GET", "/t/abc.com/stock/2/WSO2", 0, "/{sym}", "sym=WSO2"},
		{"GET", "/stock/2/WSO2", 404, "", ""},
		// Synapse tries url-mappings before uri-templates: /* takes GET /pet/7
		{"GET", "/mixed/1/pet/7", 0, "/*", ""},
		{"POST", "/mixed/1/pet/7", 0, "/pet/{id}", "id=7"},
	}
	var m Match
	for _, c := range cases {
		st := r.Match([]byte(c.method), []byte(c.path), &m)
		if st != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, st, c.status)
			continue
		}
		if st != 0 {
			continue
		}
		var vars []string
		for _, v := range m.Vars {
			vars = append(vars, v.Name+"="+v.Value)
		}
		if m.Resource.Template != c.template || strings.Join(vars, ",") != c.vars {
			t.Errorf("%s %s: template %q vars %q, want %q %q", c.method, c.path, m.Resource.Template, strings.Join(vars, ","), c.template, c.vars)
		}
	}
	r.Match([]byte("GET"), []byte("/shop/menu"), &m)
	if m.API.Name != "admin--Shop:v1.0.0" || m.API.Context != "/shop/1.0.0" {
		t.Errorf("default version routed to %s (context %s)", m.API.Name, m.API.Context)
	}
}

// TestFileAPIClash: a file whose context a YAML API serves is refused with
// its file:line and the YAML API named, never shadowing it.
func TestFileAPIClash(t *testing.T) {
	cfg, err := config.Parse([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	a := loadAPIFile(t, "shop.xml")
	clash := *a
	clash.Context, clash.File = "/orders/v1", "clash.xml"
	eff, refused := cfg.WithFileAPIs(map[string][]*sequences.API{config.SuperTenantDomain: {a, &clash}})
	if len(refused) != 1 || !strings.Contains(refused[0].Error(), "clash.xml:2: context /orders/v1 is already served by apis[0] (Orders) of the config") {
		t.Fatalf("refused = %v", refused)
	}
	if len(eff.APIs) != len(cfg.APIs)+1 {
		t.Errorf("%d apis, want %d", len(eff.APIs), len(cfg.APIs)+1)
	}
}
