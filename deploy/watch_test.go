package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

const super = config.SuperTenantDomain

func TestHotDeployLifecycle(t *testing.T) {
	f := newFixture(t, true)
	f.start()
	a, b := filepath.Join(f.super, "a.xml"), filepath.Join(f.super, "b.xml")

	write(t, a, seq("s", "1"))
	f.waitVersion(super, "s", "1")
	eventually(t, "deploy log", func() bool { return f.logged("sequence deployed", "file", a) })

	write(t, a, seq("s", "2"))
	f.waitVersion(super, "s", "2")
	eventually(t, "update log", func() bool { return f.logged("sequence updated", "name", "s") })

	// An editor's save: write a temporary file, rename it over the original.
	tmp := filepath.Join(f.super, ".a.xml.tmp")
	write(t, tmp, seq("s", "3"))
	if err := os.Rename(tmp, a); err != nil {
		t.Fatal(err)
	}
	f.waitVersion(super, "s", "3")

	// Rename: the sequence moves to the new file name.
	if err := os.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	eventually(t, "sequence served from b.xml", func() bool {
		s := f.repo.Set(super).Get("s")
		return s != nil && s.File == b && f.fileStatus(super, "a.xml") == nil
	})

	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	f.waitVersion(super, "s", "")
	eventually(t, "undeploy log", func() bool { return f.logged("sequence undeployed", "name", "s") })
	if f.repo.Set(tenantDomain).Len() != 0 {
		t.Error("super tenant changes reached tenant 1")
	}
}

func TestBrokenUpdateKeepsLastGood(t *testing.T) {
	f := newFixture(t, true)
	path := filepath.Join(f.t1, "ext.xml")
	write(t, path, seq("WSO2AM--Ext--In", "good"))
	write(t, filepath.Join(f.t1, "other.xml"), seq("other", "1"))
	f.start()

	write(t, path, "<sequence name=\"WSO2AM--Ext--In\">\n  <t.mark name=\"v\" value=\"bad\">\n</sequence>\n")
	wantErr := path + ":3: invalid xml: element <t.mark> closed by </sequence>"
	eventually(t, "refused status", func() bool {
		st := f.fileStatus(tenantDomain, "ext.xml")
		return st != nil && st.State == StateRefused && st.Error == wantErr
	})
	st := f.fileStatus(tenantDomain, "ext.xml")
	if !st.ServingLastGood || strings.Join(st.Sequences, ",") != "WSO2AM--Ext--In" {
		t.Errorf("status = %+v, want error %q serving the last good version", st, wantErr)
	}
	if v := version(f.repo.Set(tenantDomain), "WSO2AM--Ext--In"); v != "good" {
		t.Errorf("served version = %q, want the last good one", v)
	}
	if version(f.repo.Set(tenantDomain), "other") != "1" || f.fileStatus(tenantDomain, "other.xml").State != StateActive {
		t.Error("a broken file disturbed another file")
	}
	if !f.logged("sequence refused", "error", wantErr) {
		t.Errorf("no refusal log with file:line: %v", f.logs.FilterMessage("sequence refused").All())
	}

	// Valid XML, invalid config (unknown mediator): same treatment.
	write(t, path, "<sequence name=\"WSO2AM--Ext--In\">\n<nosuch/>\n</sequence>")
	eventually(t, "config error status", func() bool {
		return strings.HasSuffix(f.fileStatus(tenantDomain, "ext.xml").Error, "ext.xml:2: <nosuch>: unsupported mediator")
	})
	write(t, path, seq("WSO2AM--Ext--In", "fixed"))
	f.waitVersion(tenantDomain, "WSO2AM--Ext--In", "fixed")
	eventually(t, "active again", func() bool {
		st := f.fileStatus(tenantDomain, "ext.xml")
		return st.State == StateActive && st.Error == "" && !st.ServingLastGood
	})
}

func TestBrokenNewFileDeploysNothing(t *testing.T) {
	f := newFixture(t, true)
	f.start()
	write(t, filepath.Join(f.super, "new.xml"), `<sequence name="new"><nosuch/></sequence>`)
	eventually(t, "refused status", func() bool {
		st := f.fileStatus(super, "new.xml")
		return st != nil && strings.HasSuffix(st.Error, "new.xml:1: <nosuch>: unsupported mediator") &&
			st.State == StateRefused && !st.ServingLastGood && len(st.Sequences) == 0
	})
	if f.repo.Set(super).Len() != 0 {
		t.Error("a broken new file deployed something")
	}
}

func TestRapidRewrites(t *testing.T) {
	f := newFixture(t, true)
	f.start()
	path := filepath.Join(f.super, "hot.xml")
	for i := range 200 {
		write(t, path, seq("hot", fmt.Sprint(i)))
	}
	f.waitVersion(super, "hot", "199")
	eventually(t, "active status", func() bool { return f.fileStatus(super, "hot.xml").State == StateActive })
}

func TestDuplicateNames(t *testing.T) {
	f := newFixture(t, true)
	first := filepath.Join(f.super, "first.xml")
	write(t, first, seq("dup", "first"))
	f.start()
	second := filepath.Join(f.super, "a_second.xml") // sorts before first.xml but arrives later
	write(t, second, seq("dup", "second"))
	// Poll for the final error: a reload may first catch the file empty.
	want := second + `:1: <sequence>: sequence "dup" is already deployed from ` + first + "; refused from " + second
	eventually(t, "second refused: "+want, func() bool {
		st := f.fileStatus(super, "a_second.xml")
		return st != nil && st.State == StateRefused && st.Error == want
	})
	if version(f.repo.Set(super), "dup") != "first" {
		t.Error("the earlier file lost its name")
	}
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	f.waitVersion(super, "dup", "second")

	// An update that steals a taken name is refused at link time; the
	// file keeps serving its previous sequence.
	third := filepath.Join(f.super, "third.xml")
	write(t, third, seq("third", "1"))
	f.waitVersion(super, "third", "1")
	write(t, third, seq("dup", "stolen"))
	eventually(t, "rename refused", func() bool {
		return strings.Contains(f.fileStatus(super, "third.xml").Error, `sequence "dup" is already deployed from `+second)
	})
	st := f.fileStatus(super, "third.xml")
	if st.State != StateRefused || !st.ServingLastGood || strings.Join(st.Sequences, ",") != "third" {
		t.Errorf("status = %+v", st)
	}
	if version(f.repo.Set(super), "dup") != "second" || version(f.repo.Set(super), "third") != "1" {
		t.Error("a refused update changed what is served")
	}
}

func TestCycleRefused(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "a.xml"), `<sequence name="a"><t.call key="b"/></sequence>`)
	f.start()
	write(t, filepath.Join(f.super, "b.xml"), `<sequence name="b"><t.call key="a"/></sequence>`)
	eventually(t, "cycle refused", func() bool {
		st := f.fileStatus(super, "b.xml")
		return st != nil && strings.HasSuffix(st.Error, "sequence reference cycle: b -> a -> b")
	})
	if f.repo.Set(super).Get("b") != nil || f.repo.Set(super).Get("a") == nil {
		t.Error("wrong side of the cycle refused")
	}
	if w := f.fileStatus(super, "a.xml").Warnings; len(w) != 1 || !strings.Contains(w[0], `references sequence "b", which is not deployed`) {
		t.Errorf("warnings of a.xml = %q", w)
	}
}

func TestTenantFolderCreatedAfterStart(t *testing.T) {
	f := newFixture(t, false)
	f.start()
	write(t, filepath.Join(f.t1, "ext.xml"), seq("late", "1")) // mkdir -p, then the file
	f.waitVersion(tenantDomain, "late", "1")
	write(t, filepath.Join(f.super, "ext.xml"), seq("late-super", "1"))
	f.waitVersion(super, "late-super", "1")
	if f.repo.Set(super).Get("late") != nil {
		t.Error("tenant 1's sequence appeared in the super tenant")
	}
	// An unconfigured tenant's folder is ignored, with a warning.
	write(t, filepath.Join(f.root, "repository", "tenants", "7", "synapse-configs", "default", "sequences", "x.xml"), seq("seven", "1"))
	eventually(t, "unknown tenant warning", func() bool {
		return f.logs.FilterMessage("tenant folder has no configured tenant; its sequences are not deployed").Len() > 0
	})
}

// Kubernetes mounts a ConfigMap as name -> ..data/name with ..data a
// symlink to a timestamped folder, and updates it by swapping ..data.
func TestKubernetesSymlinkSwap(t *testing.T) {
	f := newFixture(t, true)
	ts1 := filepath.Join(f.super, "..2026_01")
	write(t, filepath.Join(ts1, "ext.xml"), seq("k8s", "1"))
	must(t, os.Symlink("..2026_01", filepath.Join(f.super, "..data")))
	must(t, os.Symlink(filepath.Join("..data", "ext.xml"), filepath.Join(f.super, "ext.xml")))
	f.start()
	if version(f.repo.Set(super), "k8s") != "1" {
		t.Fatal("symlinked file not deployed")
	}
	write(t, filepath.Join(f.super, "..2026_02", "ext.xml"), seq("k8s", "2"))
	must(t, os.Symlink("..2026_02", filepath.Join(f.super, "..data_tmp")))
	must(t, os.Rename(filepath.Join(f.super, "..data_tmp"), filepath.Join(f.super, "..data")))
	must(t, os.RemoveAll(ts1))
	f.waitVersion(super, "k8s", "2")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Readers hold one Set per "request" while files change underneath; under
// -race this checks that publishing is a clean swap.
func TestConcurrentReaders(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "a.xml"), seq("a", "0"))
	f.start()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var bad atomic.Value
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				set := f.repo.Set(super)
				v1 := version(set, "a")
				if v2 := version(set, "a"); v1 != v2 {
					bad.Store(fmt.Sprintf("one Set gave %q then %q", v1, v2))
				}
			}
		})
	}
	for i := 1; i <= 50; i++ {
		write(t, filepath.Join(f.super, "a.xml"), seq("a", fmt.Sprint(i)))
		write(t, filepath.Join(f.super, fmt.Sprintf("n%d.xml", i%5)), seq(fmt.Sprintf("n%d", i%5), fmt.Sprint(i)))
		if i%10 == 0 {
			f.repo.Reload()
		}
	}
	f.waitVersion(super, "a", "50")
	stop.Store(true)
	wg.Wait()
	if msg := bad.Load(); msg != nil {
		t.Fatal(msg)
	}
}
