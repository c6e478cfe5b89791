package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
)

// TestLifecycle installs, activates and removes a bundle on a real
// repository watched by a real deploy.Repository: what the bundle writes
// is what gets deployed, and removing it undeploys it all.
func TestLifecycle(t *testing.T) {
	f := newFixture(t, "default", Limits{})
	repo, err := deploy.New(deploy.Options{Root: f.root, Debounce: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	served := func(name string) bool { return repo.Set(config.SuperTenantDomain).Get(name) != nil }
	endpointServed := func(name string) bool { return repo.Endpoints(config.SuperTenantDomain).Get(name) != nil }

	in, err := f.m.Install(simple(t, "b"), "upload")
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, in, StateApplied, StateStaged, StateApplied)
	waitFor(t, "immediate entries deployed", func() bool { return served("bNow") && endpointServed("bEP") })
	if served("bLater") {
		t.Fatal("deferred entry deployed before activation")
	}
	if _, err := os.Stat(filepath.Join(f.root, "bundles", "installed", "b", "sequences", "b_later.xml")); err != nil {
		t.Fatalf("deferred entry not staged: %v", err)
	}

	in, err = f.m.Activate("b")
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, in, StateApplied, StateActive, StateApplied)
	waitFor(t, "deferred entry deployed", func() bool { return served("bLater") })
	if got, err := f.m.Get("b"); err != nil || got.Entries[1].State != StateActive {
		t.Fatalf("state after activate not kept: %+v, %v", got, err)
	}
	if _, err := f.m.Activate("b"); err != nil {
		t.Fatalf("second activate: %v", err)
	}

	operator := filepath.Join(f.seqDir, "mine.xml")
	writeFile(t, operator, seqXML("Mine"))
	if _, err := f.m.Remove("b"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "bundle undeployed", func() bool { return !served("bNow") && !served("bLater") && !endpointServed("bEP") })
	if _, err := os.Stat(filepath.Join(f.root, "bundles", "installed", "b")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("installed folder left behind: %v", err)
	}
	if _, err := os.Stat(operator); err != nil {
		t.Fatalf("removing a bundle touched an operator file: %v", err)
	}
	if _, err := f.m.Remove("b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second remove: %v, want ErrNotFound", err)
	}
}

// TestNotTargeted: a bundle for other groups is recorded, listable, and
// writes nothing into the watched folders; it cannot be activated here.
func TestNotTargeted(t *testing.T) {
	f := newFixture(t, "edge", Limits{})
	in, err := f.m.Install(simple(t, "b", "internal", "partner"), "upload")
	if err != nil {
		t.Fatal(err)
	}
	if in.Targeted {
		t.Fatal("targeted, want not")
	}
	wantStates(t, in, StateNotTargeted, StateNotTargeted, StateNotTargeted)
	for _, dir := range []string{f.seqDir, f.epDir} {
		if des, _ := os.ReadDir(dir); len(des) != 0 {
			t.Fatalf("%s: %d files written by a bundle not targeted here", dir, len(des))
		}
	}
	list, err := f.m.List()
	if err != nil || len(list) != 1 || list[0].Manifest.Name != "b" || list[0].Group != "edge" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if _, err := f.m.Activate("b"); !errors.Is(err, ErrNotTargeted) {
		t.Fatalf("activate: %v, want ErrNotTargeted", err)
	}
	if in, err := f.m.Install(simple(t, "c", "edge"), "upload"); err != nil || !in.Targeted {
		t.Fatalf("bundle for this node's group: %+v, %v", in, err)
	}
}

// TestOtherTenant writes a t1.com entry into that tenant's folder.
func TestOtherTenant(t *testing.T) {
	f := newFixture(t, "default", Limits{})
	zip := makeZip(t, manifest("b", nil, Entry{File: "sequences/t.xml", Tenant: "t1.com"}), member{"sequences/t.xml", seqXML("T")})
	in, err := f.m.Install(zip, "upload")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(f.root, "repository", "tenants", "1", "synapse-configs", "default", "sequences", "t.xml")
	if in.Entries[0].Path != want {
		t.Fatalf("written to %s, want %s", in.Entries[0].Path, want)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatal(err)
	}
}

func wantStates(t *testing.T, in *Info, states ...string) {
	t.Helper()
	if len(in.Entries) != len(states) {
		t.Fatalf("%d entries, want %d", len(in.Entries), len(states))
	}
	for i, s := range states {
		if in.Entries[i].State != s {
			t.Errorf("entry %s: state %q, want %q", in.Entries[i].File, in.Entries[i].State, s)
		}
	}
}

// waitFor polls cond for up to 3 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 3*time.Second {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
