package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

func apiXML(name, context, version string) string {
	return `<api xmlns="http://ws.apache.org/ns/synapse" name="` + name + `" context="` + context + `" version="` + version + `">
  <resource methods="GET" url-mapping="/*"><inSequence><send/></inSequence><outSequence><send/></outSequence></resource>
</api>`
}

// TestAPIFolder: <api> files are hot-deployed from the api folder beside
// sequences, per tenant: added, changed (a bad version keeps the last good
// one serving, with file:line in the status), removed; every change of the
// served list is signalled through OnAPIsChanged.
func TestAPIFolder(t *testing.T) {
	f := newFixture(t, true)
	superAPI := filepath.Join(filepath.Dir(f.super), "api")
	write(t, filepath.Join(superAPI, "a.xml"), apiXML("admin--A", "/a/1.0.0", "1.0.0"))
	var signals atomic.Int32
	f.repo.OnAPIsChanged(func() { signals.Add(1) })
	f.start()
	apis := f.repo.APIs(config.SuperTenantDomain)
	if len(apis) != 1 || apis[0].SynapseName() != "admin--A:v1.0.0" || apis[0].FullContext() != "/a/1.0.0" {
		t.Fatalf("APIs at start = %v", apis)
	}
	if len(f.repo.APIs(tenantDomain)) != 0 {
		t.Fatal("the tenant sees the super tenant's api")
	}
	if signals.Load() == 0 {
		t.Error("no OnAPIsChanged signal for the first load")
	}

	write(t, filepath.Join(superAPI, "b.xml"), apiXML("admin--B", "/b/2", "2"))
	eventually(t, "b.xml deployed", func() bool { return len(f.repo.APIs(config.SuperTenantDomain)) == 2 })

	good := f.repo.APIs(config.SuperTenantDomain)[0]
	write(t, filepath.Join(superAPI, "a.xml"), "<api name=\"admin--A\" context=\"/a/1.0.0\">\n  <resource url-mapping=\"/x/{id}\"/>\n</api>")
	var st *FileStatus
	eventually(t, "a.xml refused", func() bool {
		st = f.apiStatus(config.SuperTenantDomain, "a.xml")
		return st != nil && st.State == StateRefused
	})
	if !strings.Contains(st.Error, "a.xml:2:") || !st.ServingLastGood {
		t.Errorf("status = %+v, want file:line and serving last good", st)
	}
	if got := f.repo.APIs(config.SuperTenantDomain)[0]; got != good {
		t.Error("the last good version of a.xml is not served")
	}

	write(t, filepath.Join(superAPI, "a.xml"), apiXML("admin--A", "/a/1.0.1", "1.0.1"))
	eventually(t, "a.xml updated", func() bool {
		return f.repo.APIs(config.SuperTenantDomain)[0].Version == "1.0.1"
	})
	must(t, os.Remove(filepath.Join(superAPI, "b.xml")))
	eventually(t, "b.xml undeployed", func() bool { return len(f.repo.APIs(config.SuperTenantDomain)) == 1 })
}

func (f *fixture) apiStatus(domain, file string) *FileStatus {
	for _, ts := range f.repo.Status() {
		for i := range ts.APIFiles {
			if ts.Domain == domain && ts.APIFiles[i].File == file {
				return &ts.APIFiles[i]
			}
		}
	}
	return nil
}
