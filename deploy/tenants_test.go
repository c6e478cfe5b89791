package deploy

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

// TestSetTenants: a config reload adds a tenant (loaded and then watched),
// keeps the others' deployed Sets untouched, and removes one.
func TestSetTenants(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "a.xml"), seq("A", "1"))
	write(t, filepath.Join(f.t1, "b.xml"), seq("B", "1"))
	f.start()
	t2 := filepath.Join(f.root, "repository", "tenants", "2", "synapse-configs", "default", "sequences")
	write(t, filepath.Join(t2, "c.xml"), seq("C", "1"))
	superSet, t1Set := f.repo.Set(config.SuperTenantDomain), f.repo.Set(tenantDomain)

	both := []config.Tenant{{ID: 1, Domain: tenantDomain}, {ID: 2, Domain: "two.com"}}
	if err := f.repo.SetTenants(both); err != nil {
		t.Fatal(err)
	}
	if got := version(f.repo.Set("two.com"), "C"); got != "1" {
		t.Fatalf("new tenant not loaded on return: C version %q", got)
	}
	if f.repo.Set(config.SuperTenantDomain) != superSet || f.repo.Set(tenantDomain) != t1Set {
		t.Error("tenants that stayed were reloaded (their Set changed)")
	}
	if st := f.repo.Status(); len(st) != 3 || st[2].Domain != "two.com" || !f.repo.Ready() {
		t.Errorf("status %+v ready %v, want three tenants, ready", st, f.repo.Ready())
	}
	write(t, filepath.Join(t2, "c.xml"), seq("C", "2"))
	f.waitVersion("two.com", "C", "2") // the new tenant's folder is watched

	cases := []struct {
		name    string
		tenants []config.Tenant
		err     string
	}{
		{"duplicate id", []config.Tenant{{ID: 1, Domain: "x.com"}, {ID: 1, Domain: "y.com"}}, "share id 1"},
		{"bad id", []config.Tenant{{ID: 0, Domain: "x.com"}}, "must be a positive number"},
	}
	for _, tc := range cases {
		if err := f.repo.SetTenants(tc.tenants); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
		}
	}
	if len(f.repo.Status()) != 3 {
		t.Fatal("a refused SetTenants changed the tenants")
	}
	if err := f.repo.SetTenants(both[1:]); err != nil {
		t.Fatal(err)
	}
	if f.repo.Set(tenantDomain).Len() != 0 || version(f.repo.Set("two.com"), "C") != "2" {
		t.Errorf("after removing %s: its set has %d sequences, two.com C=%q", tenantDomain,
			f.repo.Set(tenantDomain).Len(), version(f.repo.Set("two.com"), "C"))
	}
}
