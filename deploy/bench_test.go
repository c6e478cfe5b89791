package deploy

import (
	"path/filepath"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

func BenchmarkRepositorySet(b *testing.B) {
	root := b.TempDir()
	dir := filepath.Join(root, "repository", "tenants", "1", "synapse-configs", "default", "sequences")
	write(b, filepath.Join(dir, "ext.xml"), seq("WSO2AM--Ext--In", "1"))
	repo, err := New(Options{Root: root, Tenants: []config.Tenant{{ID: 1, Domain: tenantDomain}}})
	if err != nil {
		b.Fatal(err)
	}
	repo.Reload()
	b.ReportAllocs()
	for b.Loop() {
		if repo.Set(tenantDomain).Sequence("WSO2AM--Ext--In") == nil {
			b.Fatal("not deployed")
		}
	}
}
