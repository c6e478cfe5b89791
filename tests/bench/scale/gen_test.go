package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
	_ "github.com/seqgate/seqgate/mediation/mediators"
	"github.com/seqgate/seqgate/sequences"
)

// TestGenerate checks that what the tool deploys is what it claims: a
// config seqgate accepts with one tenant, application and API per tenant,
// and per tenant ten sequence files that deploy cleanly, named as the
// extension handler looks them up.
func TestGenerate(t *testing.T) {
	root := t.TempDir()
	cfgPath, err := generate(root, []int{1, 7, 42}, "127.0.0.1:1", "127.0.0.1:2", "http://127.0.0.1:3", "info", true)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	if len(cfg.Tenants) != 3 || len(cfg.Applications) != 3 || len(cfg.APIs) != 3 {
		t.Fatalf("got %d tenants, %d applications, %d APIs; want 3 of each", len(cfg.Tenants), len(cfg.Applications), len(cfg.APIs))
	}
	for _, n := range []int{1, 7, 42} {
		dir := seqDir(root, n)
		if errs, warns := sequences.CheckPath(dir); len(errs) > 0 || len(warns) > 0 {
			t.Errorf("tenant %d: errors %v, warnings %v", n, errs, warns)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != seqsPerTenant {
			t.Errorf("tenant %d: %d files, want %d", n, len(entries), seqsPerTenant)
		}
		seq, err := sequences.Compile(outFile(root, n), mustRead(t, outFile(root, n)))
		if err != nil {
			t.Fatal(err)
		}
		if want := sequences.APISequenceName(sequences.APIName("admin@"+tenantDomain(n), apiName, apiVersion), mediation.Out); seq.Name != want {
			t.Errorf("tenant %d: Out sequence named %q, want %q", n, seq.Name, want)
		}
	}
}

// TestAPIOutXML checks the rewrite the change test makes still compiles
// and carries the generation.
func TestAPIOutXML(t *testing.T) {
	for _, gen := range []int{0, 1, 99} {
		x := apiOutXML(5, gen)
		if _, err := sequences.Compile("api_out.xml", []byte(x)); err != nil {
			t.Errorf("gen %d: %v", gen, err)
		}
		if !strings.Contains(x, `name="X-Gen" scope="transport" value="`) {
			t.Errorf("gen %d: no X-Gen header in %s", gen, x)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.9, 7 * time.Millisecond},
		{"median of ten", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.5, 5 * time.Millisecond},
		{"p90 of ten", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.9, 9 * time.Millisecond},
		{"max", ms(1, 2, 3), 1, 3 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.in, tc.p); got != tc.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tc.in, tc.p, got, tc.want)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
