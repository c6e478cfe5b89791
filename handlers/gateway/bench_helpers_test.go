package gateway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
)

// benchRepo is the gateway benchmarks' setup: a fresh repository root
// (REPO in yaml) with the super tenant's sequences folder, yaml parsed with
// BACKEND replaced by backend, and that repository started, closed with
// the benchmark. The caller assembles the gateway with what it measures.
func benchRepo(b *testing.B, yaml, backend string) (*config.Config, *deploy.Repository, string) {
	b.Helper()
	root := b.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "repository/deployment/server/synapse-configs/default/sequences"), 0o755); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Parse([]byte(strings.NewReplacer("REPO", root, "BACKEND", backend).Replace(yaml)))
	if err != nil {
		b.Fatal(err)
	}
	repo, err := deploy.New(deploy.Options{Root: root, Tenants: cfg.Tenants})
	if err != nil {
		b.Fatal(err)
	}
	if err := repo.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = repo.Close() })
	return cfg, repo, root
}
