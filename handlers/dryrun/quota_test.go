package dryrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/gateway"
)

const quotaConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
tiers: [ { name: Two, requests: 2, unit: 1m } ]
apis:
  - { provider: admin, name: Orders, version: 1.0.0, context: /orders, auth: none, tier: Two, backend: [ "BACKEND" ] }
`

// TestDryRunLeavesNoTrace: dry-runs neither consume throttle quota nor
// count as traffic in the metrics, yet show the 429 a real request would
// get once the quota is spent.
func TestDryRunLeavesNoTrace(t *testing.T) {
	be := startBackend(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, superSeqDir), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(strings.NewReplacer("BACKEND", be.url, "REPO", root).Replace(quotaConfig)))
	if err != nil {
		t.Fatal(err)
	}
	repo := startRepo(t, root, cfg)
	reg := prometheus.NewRegistry()
	g, err := gateway.Assemble(cfg, gateway.Deps{Repo: repo, Registry: reg, Debug: NewHook("", nil)})
	if err != nil {
		t.Fatal(err)
	}
	dry := func() Message {
		t.Helper()
		res, err := Run(g.Handle, Request{Method: "GET", Path: "/orders/1.0.0/a"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Response
	}
	addr := serve(t, g.Handle)
	real := func() int {
		t.Helper()
		status, _, err := fasthttp.GetTimeout(nil, "http://"+addr+"/orders/1.0.0/a", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return status
	}
	for i := range 3 {
		if r := dry(); r.Status != 200 || r.Headers["X-Ratelimit-Remaining"] != "1" {
			t.Fatalf("dry-run %d: %d, X-RateLimit-Remaining %q; want 200 and 1 (nothing consumed)", i, r.Status, r.Headers["X-Ratelimit-Remaining"])
		}
	}
	if a, b := real(), real(); a != 200 || b != 200 {
		t.Fatalf("real requests after dry-runs: %d %d, want 200 200 (the quota of 2 untouched)", a, b)
	}
	if r := dry(); r.Status != 429 {
		t.Errorf("dry-run with the quota spent: %d, want the 429 a real request gets", r.Status)
	}
	if s := real(); s != 429 {
		t.Errorf("third real request: %d, want 429", s)
	}
	if n := requestsCounted(t, reg); n != 3 {
		t.Errorf("seqgate_requests_total = %v, want 3 (the real requests only)", n)
	}
}

func requestsCounted(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, mf := range mfs {
		if mf.GetName() == "seqgate_requests_total" {
			for _, m := range mf.GetMetric() {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}
