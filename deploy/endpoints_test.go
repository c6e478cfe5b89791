package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

func endpointXML(name, uri string) string {
	return `<endpoint xmlns="http://ws.apache.org/ns/synapse" name="` + name + `"><address uri="` + uri + `"/></endpoint>`
}

// epStatus returns the status of an endpoint file of a tenant, or nil.
func (f *fixture) epStatus(domain, file string) *FileStatus {
	for _, ts := range f.repo.Status() {
		if ts.Domain != domain {
			continue
		}
		for i := range ts.EndpointFiles {
			if ts.EndpointFiles[i].File == file {
				return &ts.EndpointFiles[i]
			}
		}
	}
	return nil
}

// TestEndpointsFolder: named endpoints are hot-deployed from the endpoints
// folder next to sequences, per tenant, with the sequences' rules: a file
// that stops compiling keeps its last good version, a duplicate name is
// refused naming both files, a removed file undeploys.
func TestEndpointsFolder(t *testing.T) {
	f := newFixture(t, true)
	superEP := filepath.Join(filepath.Dir(f.super), "endpoints")
	t1EP := filepath.Join(filepath.Dir(f.t1), "endpoints")
	write(t, filepath.Join(superEP, "a.xml"), endpointXML("epA", "http://127.0.0.1:9001/a"))
	f.start()
	if f.repo.Endpoints(config.SuperTenantDomain).Endpoint("epA") == nil {
		t.Fatal("epA not deployed at start")
	}
	if f.repo.Endpoints(tenantDomain).Endpoint("epA") != nil {
		t.Fatal("tenant sees the super tenant's endpoint")
	}
	if f.repo.Endpoints("nobody.example").Endpoint("epA") != nil {
		t.Fatal("unknown tenant has endpoints")
	}

	// the tenant's folder appears later: watched and deployed
	write(t, filepath.Join(t1EP, "b.xml"), endpointXML("epB", "http://127.0.0.1:9001/b"))
	eventually(t, "epB deployed for the tenant", func() bool { return f.repo.Endpoints(tenantDomain).Endpoint("epB") != nil })

	// broken update: last good version keeps serving, status says why
	first := f.repo.Endpoints(config.SuperTenantDomain).Endpoint("epA")
	write(t, filepath.Join(superEP, "a.xml"), "<endpoint name=\"epA\">\n  <address uri=\"ftp://x\"/>\n</endpoint>")
	eventually(t, "a.xml refused", func() bool {
		st := f.epStatus(config.SuperTenantDomain, "a.xml")
		return st != nil && st.State == StateRefused
	})
	st := f.epStatus(config.SuperTenantDomain, "a.xml")
	if !st.ServingLastGood || !strings.Contains(st.Error, "a.xml:2: <address>") || f.repo.Endpoints(config.SuperTenantDomain).Endpoint("epA") != first {
		t.Errorf("refused file: %+v", st)
	}

	// duplicate name in a second file
	write(t, filepath.Join(superEP, "z.xml"), endpointXML("epA", "http://127.0.0.1:9001/z"))
	eventually(t, "z.xml refused as duplicate", func() bool {
		st := f.epStatus(config.SuperTenantDomain, "z.xml")
		return st != nil && strings.Contains(st.Error, "already deployed from")
	})

	// removal undeploys
	if err := os.Remove(filepath.Join(t1EP, "b.xml")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "epB undeployed", func() bool { return f.repo.Endpoints(tenantDomain).Endpoint("epB") == nil })
	if !f.logged("endpoint undeployed", "name", "epB") {
		t.Error("undeploy not logged")
	}
}
