package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

func TestNewRefusesBadOptions(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	write(t, file, "x")
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"empty root", Options{}, "repository root is empty"},
		{"missing root", Options{Root: filepath.Join(root, "nope")}, "is not a folder"},
		{"root is a file", Options{Root: file}, "is not a folder"},
		{"empty domain", Options{Root: root, Tenants: []config.Tenant{{ID: 1}}}, "tenant 1: empty domain"},
		{"bad id", Options{Root: root, Tenants: []config.Tenant{{ID: 0, Domain: "a.com"}}}, `tenant "a.com": id 0 must be a positive number`},
		{"super tenant again", Options{Root: root, Tenants: []config.Tenant{{ID: 2, Domain: config.SuperTenantDomain}}}, `tenant "carbon.super" listed twice`},
		{"shared id", Options{Root: root, Tenants: []config.Tenant{{ID: 2, Domain: "a.com"}, {ID: 2, Domain: "b.com"}}}, `tenants "a.com" and "b.com" share id 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestInitialLoad(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "global_ext.xml"), seq("WSO2AM--Ext--In", "super"))
	write(t, filepath.Join(f.super, "api_ext.xml"), seq("admin--Pets:v1.0.0--In", "1"))
	write(t, filepath.Join(f.t1, "global_ext.xml"), seq("WSO2AM--Ext--In", "tenant"))
	write(t, filepath.Join(f.t1, "only_t1.xml"), seq("tenant-only", "1"))
	if f.repo.Ready() {
		t.Fatal("Ready before Start")
	}
	f.start()
	if !f.repo.Ready() {
		t.Fatal("not Ready after Start")
	}
	super, t1 := f.repo.Set(config.SuperTenantDomain), f.repo.Set(tenantDomain)
	if got := strings.Join(super.Names(), ","); got != "WSO2AM--Ext--In,admin--Pets:v1.0.0--In" {
		t.Errorf("super tenant names = %s", got)
	}
	if version(super, "WSO2AM--Ext--In") != "super" || version(t1, "WSO2AM--Ext--In") != "tenant" {
		t.Error("a tenant sees another tenant's global sequence")
	}
	if super.Get("tenant-only") != nil || t1.Get("admin--Pets:v1.0.0--In") != nil {
		t.Error("sequences leak across tenants")
	}
	if s := f.repo.Set("unknown.com"); s == nil || s.Len() != 0 {
		t.Errorf("unknown domain set = %v, want empty and non-nil", s)
	}
	if !f.logged("sequence deployed", "name", "tenant-only") || !f.logged("tenant loaded", "domain", tenantDomain) {
		t.Errorf("missing deploy logs: %v", f.logs.All())
	}
	raw, err := json.Marshal(f.repo.Status())
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["domain"] != "carbon.super" || got[0]["id"] != float64(-1234) || got[0]["loaded"] != true || got[1]["dir"] != f.t1 {
		t.Fatalf("status = %s", raw)
	}
	file := got[0]["files"].([]any)[1].(map[string]any)
	if file["file"] != "global_ext.xml" || file["path"] != filepath.Join(f.super, "global_ext.xml") || file["state"] != "active" ||
		file["serving_last_good"] != false || file["sequences"].([]any)[0] != "WSO2AM--Ext--In" {
		t.Errorf("file status = %v", file)
	}
}

func TestMissingFoldersAreEmpty(t *testing.T) {
	f := newFixture(t, false)
	f.start()
	if !f.repo.Ready() || f.repo.Set(config.SuperTenantDomain).Len() != 0 || f.repo.Set(tenantDomain).Len() != 0 {
		t.Fatal("missing folders must load as empty sets")
	}
	if f.logs.FilterMessage("sequences folder does not exist (yet); watching for it").Len() != 2 {
		t.Errorf("want one log per missing folder: %v", f.logs.All())
	}
}

// Reload is synchronous: no watcher timing involved.
func TestReload(t *testing.T) {
	f := newFixture(t, true)
	f.start()
	path := filepath.Join(f.super, "a.xml")
	write(t, path, seq("a", "1"))
	f.repo.Reload()
	if v := version(f.repo.Set(config.SuperTenantDomain), "a"); v != "1" {
		t.Fatalf("after Reload a = %q", v)
	}
	before := f.repo.Set(config.SuperTenantDomain).Get("a")
	f.repo.Reload()
	if f.repo.Set(config.SuperTenantDomain).Get("a") != before {
		t.Error("an unchanged file was recompiled")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	f.repo.Reload()
	if f.repo.Set(config.SuperTenantDomain).Len() != 0 {
		t.Error("deleted file still deployed after Reload")
	}
}

func TestIgnoredFiles(t *testing.T) {
	f := newFixture(t, true)
	for name, content := range map[string]string{
		".a.xml.swp": seq("swp", "1"), "a.xml~": seq("tilde", "1"), "a.xml.back": seq("back", "1"),
		".hidden.xml": seq("hidden", "1"), "notes.txt": seq("txt", "1"), "real.xml": seq("real", "1"),
	} {
		write(t, filepath.Join(f.super, name), content)
	}
	if err := os.Mkdir(filepath.Join(f.super, "dir.xml"), 0o755); err != nil {
		t.Fatal(err)
	}
	f.start()
	if got := strings.Join(f.repo.Set(config.SuperTenantDomain).Names(), ","); got != "real" {
		t.Errorf("deployed %q, want only real", got)
	}
}
