package deploy

import (
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

var emptyEndpoints = new(endpoint.Set)

// Endpoints returns the tenant's current named endpoints: never nil (empty
// for an unknown domain or before the first load). The gateway reads it
// once per request, with the sequence Set.
func (r *Repository) Endpoints(domain string) *endpoint.Set {
	if t := r.index.Load().byDomain[domain]; t != nil {
		return t.eps.Load()
	}
	return emptyEndpoints
}

// Resources returns the tenant's current local entries and registry
// resources (never nil), for get-property('registry', key) per request.
func (r *Repository) Resources(domain string) mediation.Resolver {
	if t := r.index.Load().byDomain[domain]; t != nil {
		return t.resAt.Load()
	}
	return emptyResources
}

// linkEndpoints is link for the endpoints folder, with the same rules: a
// refused newest version falls back to the last good one.
func linkEndpoints(files []*file[endpoint.Named]) (*endpoint.Set, []FileStatus) {
	set, out, _ := linkFiles(files, nil, epEntry, endpoint.Build, epVerdict,
		func(st *FileStatus, ep *endpoint.Named, _ endpoint.Report) {
			if st.Endpoints = []string{}; ep != nil {
				st.Endpoints = append(st.Endpoints, ep.Name)
			}
		})
	return set, out
}

func epEntry(path string, ep *endpoint.Named, err error) endpoint.Entry {
	return endpoint.Entry{File: path, EP: ep, Err: err}
}

func epVerdict(r endpoint.Report) (bool, error) { return r.Served, r.Err }

// logEndpointChanges logs deployed, updated and undeployed endpoints, and
// each newly refused file once.
func (t *tenant) logEndpointChanges(old, cur *endpoint.Set, files []*file[endpoint.Named], statuses []FileStatus) {
	for _, name := range cur.Names() {
		switch prev := old.Get(name); {
		case prev == nil:
			t.log.Info("endpoint deployed", zap.String("name", name), zap.String("file", cur.Get(name).File))
		case prev != cur.Get(name):
			t.log.Info("endpoint updated", zap.String("name", name), zap.String("file", cur.Get(name).File))
		}
	}
	for _, name := range old.Names() {
		if cur.Get(name) == nil {
			t.log.Info("endpoint undeployed", zap.String("name", name), zap.String("file", old.Get(name).File))
		}
	}
	logRefusals(t.log, "endpoint refused", files, statuses)
}
