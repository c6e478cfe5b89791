package samples

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/seqtest"
	"github.com/seqgate/seqgate/mediation"
	_ "github.com/seqgate/seqgate/mediation/mediators" // the mediators the samples use
	"github.com/seqgate/seqgate/sequences"
)

const (
	superDir  = "repository/repository/deployment/server/synapse-configs/default/sequences"
	tenantDir = "repository/repository/tenants/%d/synapse-configs/default/sequences"
)

func loadConfig(t *testing.T) *config.Config {
	t.Helper()
	data, err := FS.ReadFile("config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(data)
	if err != nil {
		t.Fatalf("samples/config.yaml: %v", err)
	}
	return cfg
}

// TestConfig checks what the README and the sample mode rely on: the
// listeners, and that every backend is the in-process sample backend.
func TestConfig(t *testing.T) {
	cfg := loadConfig(t)
	if cfg.Listen.HTTP != ":8280" || cfg.Listen.Admin != "127.0.0.1:9765" {
		t.Errorf("listen = %+v, want :8280 and 127.0.0.1:9765", cfg.Listen)
	}
	if cfg.Repository != "./repository" {
		t.Errorf("repository = %q, want ./repository (relative to the config)", cfg.Repository)
	}
	for _, api := range cfg.APIs {
		for _, b := range api.Backend {
			if !strings.HasPrefix(b, "http://127.0.0.1:9000/") {
				t.Errorf("api %s: backend %q is not the sample backend on 127.0.0.1:9000", api.Name, b)
			}
		}
	}
}

// TestSequencesCompile extracts the embedded repository and validates every
// tenant folder as deployment would: no error and no warning (a warning is
// a reference to a sequence that is not there).
func TestSequencesCompile(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, FS); err != nil {
		t.Fatal(err)
	}
	errs, warnings := sequences.CheckPath(filepath.Join(dir, "repository"))
	for _, e := range errs {
		t.Error(e)
	}
	for _, w := range warnings {
		t.Error("warning:", w)
	}
}

// TestSequenceNames guards against the easiest mistake with extension
// sequences: a name that matches no API, so the sequence silently never
// runs. Every sample sequence must be a global one or belong to an API of
// its own tenant, and every folder must be a configured tenant's.
func TestSequenceNames(t *testing.T) {
	cfg := loadConfig(t)
	want := map[string]map[string]bool{} // folder -> valid names
	folders := map[string]string{config.SuperTenantDomain: superDir}
	for _, tn := range cfg.Tenants {
		folders[tn.Domain] = strings.Replace(tenantDir, "%d", strconv.Itoa(tn.ID), 1)
	}
	for domain, dir := range folders {
		want[dir] = map[string]bool{}
		for _, d := range []mediation.Direction{mediation.In, mediation.Out} {
			want[dir][sequences.GlobalName(d)] = true
			for _, api := range cfg.APIs {
				tenant := api.Tenant
				if tenant == "" {
					tenant = config.SuperTenantDomain
				}
				if tenant == domain {
					want[dir][sequences.APISequenceName(sequences.APIName(api.Provider, api.Name, api.Version), d)] = true
				}
			}
		}
	}
	seen := 0
	err := fs.WalkDir(FS, "repository", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, seqtest.Suffix) {
			return err
		}
		valid, ok := want[path.Dir(p)]
		if !ok {
			t.Errorf("%s: not in a configured tenant's sequences folder", p)
			return nil
		}
		data, err := FS.ReadFile(p)
		if err != nil {
			return err
		}
		seq, err := sequences.Compile(p, data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if !valid[seq.Name] {
			t.Errorf("%s: sequence %q matches no API of its tenant and is not global", p, seq.Name)
		}
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 7 {
		t.Errorf("found %d sample sequences, want at least 7", seen)
	}
}

// TestSampleTests runs the *.test.yaml files shipped beside the sample
// sequences (what `seqgate test` runs in the sample folder), so CI runs
// them with the rest of the suite.
func TestSampleTests(t *testing.T) {
	seqtest.Run(t, ".")
}
