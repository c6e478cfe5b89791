package explain

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden explains requests against real configs and repositories in
// testdata and compares the text output with testdata/golden/<name>.txt.
func TestGolden(t *testing.T) {
	cases := []struct {
		name, config, tenant, method, path string
	}{
		{"match_global_and_api", "basic", "carbon.super", "GET", "/orders/1.0.0/42"},
		{"refused_out_and_resource_tier", "basic", "carbon.super", "POST", "/orders/1.0.0/new"},
		{"library_sequence", "basic", "carbon.super", "get", "/lib/2.0.0/anything?x=1"},
		{"tenant_no_sequences", "acme.com", "acme.com", "GET", "/stock/1.0.0/quotes/ACME"},
		{"tenant_path_with_prefix", "acme.com", "acme.com", "GET", "/t/acme.com/stock/1.0.0/quotes/X"},
		{"no_api_404", "basic", "carbon.super", "GET", "/nothing/1.0.0/x"},
		{"method_405", "basic", "carbon.super", "DELETE", "/orders/1.0.0/42"},
		{"tenant_resource_404", "acme.com", "acme.com", "GET", "/stock/1.0.0/other"},
		{"extension_top", "top", "carbon.super", "GET", "/orders/1.0.0/x"},
	}
	loaded := map[string]Input{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.config
			if dir == "acme.com" {
				dir = "basic"
			}
			in, ok := loaded[dir]
			if !ok {
				in = load(t, filepath.Join("testdata", dir, "config.yaml"))
				loaded[dir] = in
			}
			rep, err := Explain(in, tc.tenant, tc.method, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := rep.WriteText(&got); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", tc.name+".txt"), got.Bytes())
			if _, err := json.Marshal(rep); err != nil {
				t.Errorf("json: %v", err)
			}
		})
	}
}

func TestExplainErrors(t *testing.T) {
	in := load(t, filepath.Join("testdata", "basic", "config.yaml"))
	cases := []struct{ name, tenant, path, want string }{
		{"unknown tenant", "nope.com", "/x", `explain: tenant "nope.com" is not declared in tenants`},
		{"path names another tenant", "acme.com", "/t/other.com/x", "explain: path /t/other.com/x addresses tenant other.com, not acme.com"},
		{"super tenant with a tenant path", "carbon.super", "/t/acme.com/x", "explain: path /t/acme.com/x addresses tenant acme.com, not carbon.super"},
	}
	for _, tc := range cases {
		if _, err := Explain(in, tc.tenant, "GET", tc.path); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}

func load(t *testing.T, path string) Input {
	t.Helper()
	cfg, repo, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Config: cfg, ConfigFile: path, Repo: repo}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestRefusedServesLastGood: a file that compiled once and is now broken
// still serves its last good version, and explain says both.
func TestRefusedServesLastGood(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(body string) {
		t.Helper()
		xml := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In">` + body + `</sequence>`
		if err := os.WriteFile(filepath.Join(dir, "g.xml"), []byte(xml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfgFile := filepath.Join(root, "config.yaml")
	if err := os.WriteFile(cfgFile, []byte("repository: .\napis: [ { provider: p, name: A, version: \"1\", context: /a, auth: none, backend: [ \"http://127.0.0.1:9\" ] } ]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(`<log/>`)
	cfg, repo, err := Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	write(`<nosuch/>`)
	repo.Reload()
	rep, err := Explain(Input{Config: cfg, ConfigFile: cfgFile, Repo: repo}, "", "GET", "/a/1/x")
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Flows[0].Steps[0]
	want := "refused: repository/deployment/server/synapse-configs/default/sequences/g.xml:1: <nosuch>: unsupported mediator (last good version serves)"
	if !s.Runs || s.Why != want {
		t.Errorf("got runs=%v why=%q\nwant runs=true why=%q", s.Runs, s.Why, want)
	}
}

// TestExplainCORSChain: the CORS handler is shown first (before auth) for
// an API that has CORS on, and not at all for one that has it off.
func TestExplainCORSChain(t *testing.T) {
	in := load(t, filepath.Join("testdata", "cors", "config.yaml"))
	for path, want := range map[string]string{
		"/orders/1.0.0/x": "cors auth throttle usage extension",
		"/closed/1.0.0/x": "auth throttle usage extension",
	} {
		rep, err := Explain(in, "carbon.super", "GET", path)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Chain == nil {
			t.Fatalf("%s: no chain (status %d)", path, rep.Status)
		}
		if got := strings.Join(rep.Chain.Handlers, " "); got != want {
			t.Errorf("%s: chain %q, want %q", path, got, want)
		}
	}
}
