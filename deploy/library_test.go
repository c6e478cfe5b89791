package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

const (
	apiA = "admin--A:v1"
	apiB = "admin--B:v1"
)

// libDir is a library folder (in, out, fault) next to a sequences folder.
func libDir(seqDir, flow string) string {
	return filepath.Join(filepath.Dir(seqDir), "customsequences", flow)
}

// useStatus returns the status of a tenant's use of a per-API name, or nil.
func (f *fixture) useStatus(domain, name string) *LibraryUseStatus {
	for _, ts := range f.repo.Status() {
		for i, u := range ts.Library.Uses {
			if ts.Domain == domain && u.Sequence == name {
				return &ts.Library.Uses[i]
			}
		}
	}
	return nil
}

// library returns the library status of a tenant.
func (f *fixture) library(domain string) LibraryStatus {
	for _, ts := range f.repo.Status() {
		if ts.Domain == domain {
			return ts.Library
		}
	}
	f.t.Fatalf("no tenant %s", domain)
	return LibraryStatus{}
}

// TestLibraryLifecycle: a library file added, changed and removed makes
// the per-API copies of every API using it appear, change and disappear;
// the status says which APIs use what, and a missing one is an error that
// resolves when the file appears.
func TestLibraryLifecycle(t *testing.T) {
	f := newFixture(t, true)
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {
		{API: apiA, In: "add_header", Fault: "json_fault"},
		{API: apiB, In: "add_header", Out: "add_header"},
	}})
	f.start()
	in, out, fault := libDir(f.super, "in"), libDir(f.super, "out"), libDir(f.super, "fault")

	u := f.useStatus(super, apiA+"--In")
	if u == nil || u.State != StateMissing || !strings.Contains(u.Error, `library sequence "add_header" not found in customsequences/in`) {
		t.Fatalf("before the file exists: use = %+v, want missing", u)
	}
	eventually(t, "missing logged", func() bool { return f.logged("library sequence missing", "sequence", apiA+"--In") })

	write(t, filepath.Join(in, "add_header.xml"), seq("add_header", "in1"))
	write(t, filepath.Join(out, "hdr.xml"), seq("add_header", "out1")) // same name, other flow
	write(t, filepath.Join(fault, "json_fault.xml"), seq("json_fault", "f1"))
	f.waitVersion(super, apiA+"--In", "in1")
	f.waitVersion(super, apiB+"--In", "in1")
	f.waitVersion(super, apiB+"--Out", "out1")
	f.waitVersion(super, apiA+"--Fault", "f1")
	if s := f.repo.Set(super); s.Get("add_header") != nil || s.Get("json_fault") != nil || s.Len() != 4 {
		t.Errorf("set = %v, want only the four per-API copies (library names are not deployed)", s.Names())
	}
	if u := f.useStatus(super, apiA+"--In"); u.State != StateActive || u.Error != "" || u.File != filepath.Join(in, "add_header.xml") {
		t.Errorf("after the file appeared: use = %+v", u)
	}
	lib := f.library(super)
	var got []string
	for _, s := range lib.Sequences {
		got = append(got, s.Flow+"/"+s.Name+"="+strings.Join(s.UsedBy, "+"))
	}
	if want := "fault/json_fault=" + apiA + " in/add_header=" + apiA + "+" + apiB + " out/add_header=" + apiB; strings.Join(got, " ") != want {
		t.Errorf("library sequences = %q, want %q", strings.Join(got, " "), want)
	}

	write(t, filepath.Join(in, "add_header.xml"), seq("add_header", "in2"))
	f.waitVersion(super, apiA+"--In", "in2")
	f.waitVersion(super, apiB+"--In", "in2")
	if version(f.repo.Set(super), apiB+"--Out") != "out1" {
		t.Error("a change in the in folder reached the out flow")
	}

	must(t, os.Remove(filepath.Join(in, "add_header.xml")))
	f.waitVersion(super, apiA+"--In", "")
	f.waitVersion(super, apiB+"--In", "")
	eventually(t, "missing again", func() bool { return f.useStatus(super, apiB+"--In").State == StateMissing })
	if version(f.repo.Set(super), apiA+"--Fault") != "f1" {
		t.Error("removing one library file undeployed another")
	}
}

// TestLibraryTenantIsolation: a tenant's library serves only its own APIs.
func TestLibraryTenantIsolation(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(libDir(f.t1, "in"), "add_header.xml"), seq("add_header", "tenant1"))
	f.repo.SetLibraryUse(map[string][]LibraryUse{
		super:        {{API: apiA, In: "add_header"}},
		tenantDomain: {{API: "bob-AT-wso2.com--T:v1", In: "add_header"}},
	})
	f.start()
	if v := version(f.repo.Set(tenantDomain), "bob-AT-wso2.com--T:v1--In"); v != "tenant1" {
		t.Errorf("tenant 1's API runs %q, want its library's add_header", v)
	}
	if f.repo.Set(super).Len() != 0 || f.useStatus(super, apiA+"--In").State != StateMissing {
		t.Errorf("tenant 1's library served the super tenant: %v", f.repo.Set(super).Names())
	}
	write(t, filepath.Join(libDir(f.super, "in"), "mine.xml"), seq("add_header", "super"))
	f.waitVersion(super, apiA+"--In", "super")
	if v := version(f.repo.Set(tenantDomain), "bob-AT-wso2.com--T:v1--In"); v != "tenant1" {
		t.Errorf("the super tenant's library reached tenant 1: %q", v)
	}
}

// TestLibraryBrokenKeepsLastGood: a library file that stops compiling keeps
// its last good version serving for every API using it.
func TestLibraryBrokenKeepsLastGood(t *testing.T) {
	f := newFixture(t, true)
	path := filepath.Join(libDir(f.super, "in"), "add_header.xml")
	write(t, path, seq("add_header", "good"))
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {{API: apiA, In: "add_header"}, {API: apiB, In: "add_header"}}})
	f.start()
	write(t, path, "<sequence name=\"add_header\">\n  <nosuch/>\n</sequence>\n")
	eventually(t, "refused library file", func() bool {
		fs := f.library(super).Files
		return len(fs) == 1 && fs[0].State == StateRefused && strings.HasSuffix(fs[0].Error, "add_header.xml:2: <nosuch>: unsupported mediator")
	})
	st := f.library(super).Files[0]
	if st.File != "in/add_header.xml" || !st.ServingLastGood || strings.Join(st.Sequences, ",") != "add_header" {
		t.Errorf("library file status = %+v", st)
	}
	for _, api := range []string{apiA, apiB} {
		if v := version(f.repo.Set(super), api+"--In"); v != "good" {
			t.Errorf("%s runs %q, want the last good version", api, v)
		}
	}
	eventually(t, "refusal logged", func() bool { return f.logged("library sequence refused", "file", path) })
	write(t, path, seq("add_header", "fixed"))
	f.waitVersion(super, apiB+"--In", "fixed")
}

// TestLibraryExplicitFileWins: a per-API file in the sequences folder wins
// over the library copy of the same name, with a warning; removing it
// hands the name to the library.
func TestLibraryExplicitFileWins(t *testing.T) {
	f := newFixture(t, true)
	explicit := filepath.Join(f.super, "a_in.xml")
	write(t, explicit, seq(apiA+"--In", "explicit"))
	write(t, filepath.Join(libDir(f.super, "in"), "add_header.xml"), seq("add_header", "library"))
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {{API: apiA, In: "add_header"}}})
	f.start()
	if v := version(f.repo.Set(super), apiA+"--In"); v != "explicit" {
		t.Errorf("runs %q, want the explicit file's", v)
	}
	u := f.useStatus(super, apiA+"--In")
	if u.State != StateOverridden || u.File != explicit || !strings.Contains(u.Warning, "wins over library sequence \"add_header\"") {
		t.Errorf("use = %+v, want overridden by %s", u, explicit)
	}
	if st := f.fileStatus(super, "a_in.xml"); st.State != StateActive {
		t.Errorf("explicit file status = %+v", st)
	}
	if !f.logged("library sequence overridden by a per-API file", "file", explicit) {
		t.Error("no warning logged")
	}
	must(t, os.Remove(explicit))
	f.waitVersion(super, apiA+"--In", "library")
	eventually(t, "active", func() bool { return f.useStatus(super, apiA+"--In").State == StateActive })
}

// TestLibraryUseChanges: SetLibraryUse rebuilds the tenants whose use
// changed before it returns, and leaves the others' Set untouched.
func TestLibraryUseChanges(t *testing.T) {
	f := newFixture(t, true)
	in := libDir(f.super, "in")
	write(t, filepath.Join(in, "one.xml"), seq("one", "1"))
	write(t, filepath.Join(in, "two.xml"), seq("two", "2"))
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {{API: apiA, In: "one"}}})
	f.start()
	t1Set := f.repo.Set(tenantDomain)
	steps := []struct {
		name string
		uses map[string][]LibraryUse
		want string // version apiA--In runs ("" absent)
	}{
		{"switch to two", map[string][]LibraryUse{super: {{API: apiA, In: "two"}}}, "2"},
		{"unchanged", map[string][]LibraryUse{super: {{API: apiA, In: "two"}}}, "2"},
		{"use removed", nil, ""},
		{"back to one", map[string][]LibraryUse{super: {{API: apiA, In: "one"}}}, "1"},
	}
	for _, s := range steps {
		f.repo.SetLibraryUse(s.uses)
		if v := version(f.repo.Set(super), apiA+"--In"); v != s.want {
			t.Errorf("%s: runs %q on return, want %q", s.name, v, s.want)
		}
	}
	if f.repo.Set(tenantDomain) != t1Set {
		t.Error("a tenant whose use did not change was rebuilt")
	}
	// A tenant added later starts with the use set before it existed.
	t2 := filepath.Join(f.root, "repository", "tenants", "2", "synapse-configs", "default", "sequences")
	write(t, filepath.Join(libDir(t2, "fault"), "f.xml"), seq("f", "t2"))
	f.repo.SetLibraryUse(map[string][]LibraryUse{"two.com": {{API: apiB, Fault: "f"}}})
	must(t, f.repo.SetTenants([]config.Tenant{{ID: 1, Domain: tenantDomain}, {ID: 2, Domain: "two.com"}}))
	if v := version(f.repo.Set("two.com"), apiB+"--Fault"); v != "t2" {
		t.Errorf("new tenant's fault copy runs %q", v)
	}
}

// TestLibraryDuplicateName: two files of one folder claiming a name: the
// later is refused, as in the sequences folder.
func TestLibraryDuplicateName(t *testing.T) {
	f := newFixture(t, true)
	in := libDir(f.super, "in")
	write(t, filepath.Join(in, "a.xml"), seq("hdr", "a"))
	write(t, filepath.Join(in, "b.xml"), seq("hdr", "b"))
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {{API: apiA, In: "hdr"}}})
	f.start()
	if v := version(f.repo.Set(super), apiA+"--In"); v != "a" {
		t.Errorf("runs %q, want the first file's", v)
	}
	st := f.library(super).Files
	if len(st) != 2 || st[1].State != StateRefused || !strings.Contains(st[1].Error, `library sequence "hdr" is already defined in `+filepath.Join(in, "a.xml")) {
		t.Errorf("files = %+v", st)
	}
}

// TestLibraryCycleRefused: a library sequence whose copy would close a
// reference cycle is refused for that API; the API serves without it.
func TestLibraryCycleRefused(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "helper.xml"), `<sequence name="helper"><t.call key="`+apiA+`--In"/></sequence>`)
	write(t, filepath.Join(libDir(f.super, "in"), "loop.xml"), `<sequence name="loop"><t.call key="helper"/></sequence>`)
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {{API: apiA, In: "loop"}}})
	f.start()
	u := f.useStatus(super, apiA+"--In")
	if u.State != StateRefused || !strings.Contains(u.Error, "sequence reference cycle: "+apiA+"--In -> helper -> "+apiA+"--In") {
		t.Errorf("use = %+v, want refused with the cycle", u)
	}
	if f.repo.Set(super).Get(apiA+"--In") != nil {
		t.Error("the cyclic copy was deployed")
	}
}

func TestLibraryUsesFromConfig(t *testing.T) {
	got := LibraryUses([]config.API{
		{Provider: "admin", Name: "A", Version: "1", Tenant: super, Mediation: config.APIMediation{In: "x"}},
		{Provider: "bob@wso2.com", Name: "T", Version: "2", Tenant: tenantDomain, Mediation: config.APIMediation{Fault: "y"}},
		{Provider: "admin", Name: "None", Version: "1", Tenant: super},
	})
	want := map[string][]LibraryUse{super: {{API: "admin--A:v1", In: "x"}}, tenantDomain: {{API: "bob-AT-wso2.com--T:v2", Fault: "y"}}}
	if len(got) != 2 || len(got[super]) != 1 || got[super][0] != want[super][0] || got[tenantDomain][0] != want[tenantDomain][0] {
		t.Errorf("LibraryUses = %+v, want %+v", got, want)
	}
}
