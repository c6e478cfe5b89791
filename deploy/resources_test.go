package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	_ "github.com/seqgate/seqgate/mediation/mediators" // <sequence key>
)

func leDir(seqDir string) string { return filepath.Join(filepath.Dir(seqDir), "local-entries") }

// caller is a sequence that runs the sequence stored under key.
func caller(name, key string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">
  <sequence key="` + key + `"/>
</sequence>
`
}

func leXML(key, body string) string {
	return `<localEntry xmlns="http://ws.apache.org/ns/synapse" key="` + key + `">` + body + "</localEntry>\n"
}

// bodySeq is a <sequence> (stored as a resource) whose version shows in "v".
func bodySeq(version string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse"><t.mark name="v" value="` + version + `"/></sequence>`
}

func (f *fixture) status(domain string) TenantStatus {
	ts, _ := f.repo.TenantStatus(domain)
	return ts
}

// A sequence stored as a local entry or registry resource is compiled into
// its callers at deploy time, and a change to it redeploys them.
func TestResourceSequenceHotRedeploy(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(leDir(f.super), "le.xml"), leXML("le_seq", bodySeq("le1")))
	gov := filepath.Join(f.root, "registry", "governance", "seqs", "s.xml")
	write(t, gov, bodySeq("r1"))
	write(t, filepath.Join(f.super, "a.xml"), caller("a", "le_seq"))
	write(t, filepath.Join(f.super, "b.xml"), caller("b", "gov:/seqs/s.xml"))
	write(t, filepath.Join(f.super, "c.xml"), caller("c", "gov:seqs/s.xml")) // Synapse accepts both spellings
	f.start()
	f.waitVersion(super, "a", "le1")
	f.waitVersion(super, "b", "r1")
	f.waitVersion(super, "c", "r1")
	st := f.status(super)
	if len(st.LocalEntryFiles) != 1 || st.LocalEntryFiles[0].Keys[0] != "le_seq" || len(st.RegistryFiles) != 1 || st.RegistryFiles[0].File != "gov:/seqs/s.xml" {
		t.Fatalf("status: local entries %+v registry %+v", st.LocalEntryFiles, st.RegistryFiles)
	}

	write(t, filepath.Join(leDir(f.super), "le.xml"), leXML("le_seq", bodySeq("le2")))
	f.waitVersion(super, "a", "le2")
	write(t, gov, bodySeq("r2"))
	f.waitVersion(super, "b", "r2")
	f.waitVersion(super, "c", "r2")

	// A resource that stops parsing keeps serving its last good content.
	write(t, gov, "<sequence")
	eventually(t, "broken resource refused", func() bool {
		rs := f.status(super).RegistryFiles
		return len(rs) == 1 && rs[0].State == StateRefused && rs[0].ServingLastGood
	})
	if v := version(f.repo.Set(super), "b"); v != "r2" {
		t.Errorf("after a broken resource: b = %q, want the last good r2", v)
	}
}

// An unresolved gov:/conf: key refuses the file at deploy time naming the
// key and file:line; the file deploys once the resource appears.
func TestResourceUnresolvedKey(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "a.xml"), caller("a", "conf:/missing.xml"))
	f.start()
	eventually(t, "refused", func() bool { return f.fileStatus(super, "a.xml") != nil })
	st := f.fileStatus(super, "a.xml")
	if st.State != StateRefused || !strings.Contains(st.Error, filepath.Join(f.super, "a.xml")+":2: <sequence>:") || !strings.Contains(st.Error, `"conf:/missing.xml"`) {
		t.Fatalf("status = %+v, want refused at a.xml:2 naming the key", st)
	}
	write(t, filepath.Join(f.root, "registry", "config", "missing.xml"), bodySeq("now"))
	f.waitVersion(super, "a", "now")
}

// Each tenant resolves keys in its own folders only.
func TestResourceTenantIsolation(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.root, "repository", "tenants", "1", "registry", "governance", "x.xml"), bodySeq("t1"))
	write(t, filepath.Join(f.t1, "a.xml"), caller("a", "gov:/x.xml"))
	write(t, filepath.Join(f.super, "a.xml"), caller("a", "gov:/x.xml"))
	f.start()
	f.waitVersion(tenantDomain, "a", "t1")
	eventually(t, "super refused", func() bool {
		st := f.fileStatus(super, "a.xml")
		return st != nil && st.State == StateRefused
	})
}

func TestLocalEntryForms(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "fmt.json"), []byte(`{"a":1}`), 0o644))
	outside := filepath.Join(t.TempDir(), "secret.txt")
	must(t, os.WriteFile(outside, []byte("s"), 0o644))
	for _, tc := range []struct {
		name, body, wantText, wantErr string
		xml                           bool
	}{
		{name: "inline xml", body: leXML("k", "<a><b/></a>"), wantText: "<a><b/></a>", xml: true},
		{name: "inline text", body: leXML("k", "hello"), wantText: "hello"},
		{name: "src file", body: `<localEntry key="k" src="file:fmt.json"/>`, wantText: `{"a":1}`},
		{name: "src http", body: `<localEntry key="k" src="http://example.com/x"/>`, wantErr: `scheme "http" refused`},
		{name: "src outside", body: `<localEntry key="k" src="file:` + outside + `"/>`, wantErr: "only a file inside the repository"},
		{name: "src and content", body: `<localEntry key="k" src="fmt.json">x</localEntry>`, wantErr: "either src= or inline content"},
		{name: "no key", body: `<localEntry>x</localEntry>`, wantErr: "f.xml:1: <localEntry>: attribute key is required"},
		{name: "two elements", body: leXML("k", "<a/><b/>"), wantErr: "found a second one"},
		{name: "wrong root", body: `<sequence name="x"/>`, wantErr: "root element must be <localEntry>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			le, err := compileLocalEntry(root, "f.xml", []byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if le.res.Text != tc.wantText || (le.res.XML != nil) != tc.xml {
				t.Errorf("text %q xml %v, want %q %v", le.res.Text, le.res.XML != nil, tc.wantText, tc.xml)
			}
		})
	}
}

// Two local entries claiming one key: the later file is refused, naming both.
func TestLocalEntryDuplicateKey(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(leDir(f.super), "a.xml"), leXML("k", "one"))
	write(t, filepath.Join(leDir(f.super), "b.xml"), leXML("k", "two"))
	f.start()
	eventually(t, "loaded", func() bool { return len(f.status(super).LocalEntryFiles) == 2 })
	les := f.status(super).LocalEntryFiles
	if les[0].State != StateActive || les[1].State != StateRefused || !strings.Contains(les[1].Error, "already defined in") {
		t.Fatalf("local entries = %+v", les)
	}
}

// A registry file over the size limit is refused with the limit named; a
// src= outside the home never reads the file.
func TestRegistryFileTooLarge(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.root, "registry", "config", "big.txt"), strings.Repeat("x", maxResourceSize+1))
	f.start()
	eventually(t, "big file refused", func() bool {
		rs := f.status(super).RegistryFiles
		return len(rs) == 1 && rs[0].State == StateRefused && strings.Contains(rs[0].Error, "larger than the 4194304-byte limit")
	})
	if _, err := f.repo.Resources(super).Resolve("conf:/big.txt"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Resolve(big) err = %v, want the refusal reason", err)
	}
}

// BenchmarkResolve is the per-request cost of get-property('registry', key).
func BenchmarkResolve(b *testing.B) {
	root := b.TempDir()
	write(b, filepath.Join(root, "registry", "config", "limits", "max.txt"), "42")
	reg := newRegistry(filepath.Join(root, "registry"))
	reg.rescan(zap.NewNop(), time.Now())
	set, _ := buildResources(nil, &reg)
	b.ReportAllocs()
	for b.Loop() {
		if r, err := set.Resolve("conf:/limits/max.txt"); err != nil || r.Text != "42" {
			b.Fatal(r, err)
		}
	}
}

// A custom-sequence library sequence resolves keys too, and a change to the
// resource redeploys every API copy of it.
func TestResourceLibraryHotRedeploy(t *testing.T) {
	f := newFixture(t, true)
	f.repo.SetLibraryUse(map[string][]LibraryUse{super: {{API: apiA, In: "lib"}, {API: apiB, In: "lib"}}})
	write(t, filepath.Join(leDir(f.super), "le.xml"), leXML("shared", bodySeq("s1")))
	write(t, filepath.Join(libDir(f.super, "in"), "lib.xml"), caller("lib", "shared"))
	f.start()
	f.waitVersion(super, apiA+"--In", "s1")
	f.waitVersion(super, apiB+"--In", "s1")
	write(t, filepath.Join(leDir(f.super), "le.xml"), leXML("shared", bodySeq("s2")))
	f.waitVersion(super, apiA+"--In", "s2")
	f.waitVersion(super, apiB+"--In", "s2")
}
