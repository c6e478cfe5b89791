package deploy

import (
	"path/filepath"
	"slices"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/sequences"
)

// The api folder (synapse-configs/default/api) of each tenant holds the
// <api> files API Manager's publisher writes to its gateway. Each compiles
// into a sequences.API (inline sequences compiled against the tenant's
// local entries and registry); a file that stops compiling keeps serving
// its last good version, as sequences do. The repository publishes the
// tenant's list of served APIs; turning them into routes (and refusing an
// API whose context another one already serves) is the router's business,
// rebuilt by the server whenever a list changes (OnAPIsChanged).

var apiKind = kind[sequences.API]{folder: "api", isFile: sequences.IsAPIFile, maxSize: sequences.MaxFileSize,
	optional: true}

var emptyAPIs = &[]*sequences.API{}

// APIs returns the APIs deployed from the tenant's api folder, in deploy
// order: never nil. The slice is shared and must not be changed.
func (r *Repository) APIs(domain string) []*sequences.API {
	if t := r.index.Load().byDomain[domain]; t != nil {
		return *t.apis.Load()
	}
	return nil
}

// AllAPIs returns every tenant's APIs from its api folder, by domain
// (tenants without any left out), for config.WithFileAPIs.
func (r *Repository) AllAPIs() map[string][]*sequences.API {
	out := map[string][]*sequences.API{}
	for _, t := range r.tenants() {
		if apis := *t.apis.Load(); len(apis) > 0 {
			out[t.domain] = apis
		}
	}
	return out
}

// SetAPIRefusals records the api files that deployed but that the gateway
// does not serve (by path: why, e.g. a context a YAML API already serves);
// Status shows them refused. The server sets the whole set after each
// gateway build.
func (r *Repository) SetAPIRefusals(byPath map[string]string) { r.apiRefusals.Store(&byPath) }

// withAPIRefusals overlays the gateway's refusals on a tenant's status.
func (r *Repository) withAPIRefusals(st TenantStatus) TenantStatus {
	refs := r.apiRefusals.Load()
	if refs == nil || len(*refs) == 0 {
		return st
	}
	files := slices.Clone(st.APIFiles)
	for i := range files {
		if why, ok := (*refs)[files[i].Path]; ok && files[i].State == StateActive {
			files[i].State, files[i].Error, files[i].ServingLastGood = StateRefused, why, false
		}
	}
	st.APIFiles = files
	return st
}

// OnAPIsChanged registers fn, called after a reload changed the list of
// APIs a tenant serves from its api folder (one added, updated or removed).
// It runs on the reloading goroutine, after the tenant's lock is released,
// possibly inside SetTenants or Reload: it should only signal whoever
// rebuilds the routes, not rebuild them itself under a caller's lock.
func (r *Repository) OnAPIsChanged(fn func()) { r.apisChanged.Store(&fn) }

// apiDir is the tenant's api folder, beside its sequences folder.
func (t *tenant) apiDir() string { return filepath.Join(filepath.Dir(t.dir), "api") }

// compileAPI compiles an api file against the tenant's current resources
// (called under t.mu, from a folder rescan).
func (t *tenant) compileAPI(path string, data []byte) (*sequences.API, error) {
	return sequences.CompileAPI(path, data, t.res)
}

// reloadAPIs rescans the api folder and publishes the served list; it
// reports whether that list changed.
func (t *tenant) reloadAPIs(st *TenantStatus, now time.Time) bool {
	files, err := t.api.rescan(t.log, now)
	if err != nil {
		t.log.Error("cannot read api folder; keeping the deployed apis", zap.String("dir", t.api.dir), zap.Error(err))
		st.Error = "api folder unreadable, last good apis kept: " + err.Error()
		return false
	}
	served := make([]*sequences.API, 0, len(files))
	statuses := make([]FileStatus, len(files))
	for i, f := range files {
		a, err := f.offer()
		s := FileStatus{File: f.name, Path: f.path, State: StateActive, Sequences: []string{}}
		if a != nil {
			f.good = a
			served = append(served, a)
			s.APIs = []string{a.SynapseName()}
			s.Warnings = a.Warnings
		}
		if err != nil {
			s.State, s.Error, s.ServingLastGood = StateRefused, err.Error(), a != nil
		}
		statuses[i] = s
	}
	sort.Slice(statuses, func(i, j int) bool { return statuses[i].File < statuses[j].File })
	st.APIsDir, st.APIFiles = t.api.dir, statuses
	logRefusals(t.log, "api refused", files, statuses)
	old := *t.apis.Load()
	if slices.Equal(old, served) {
		return false
	}
	t.logAPIChanges(old, served)
	t.apis.Store(&served)
	return true
}

// logAPIChanges logs deployed, updated and undeployed APIs.
func (t *tenant) logAPIChanges(old, cur []*sequences.API) {
	byFile := map[string]*sequences.API{}
	for _, a := range old {
		byFile[a.File] = a
	}
	for _, a := range cur {
		switch prev := byFile[a.File]; {
		case prev == nil:
			t.log.Info("api deployed", zap.String("api", a.SynapseName()), zap.String("context", a.FullContext()), zap.String("file", a.File))
		case prev != a:
			t.log.Info("api updated", zap.String("api", a.SynapseName()), zap.String("context", a.FullContext()), zap.String("file", a.File))
		}
		delete(byFile, a.File)
	}
	for _, a := range byFile {
		t.log.Info("api undeployed", zap.String("api", a.SynapseName()), zap.String("file", a.File))
	}
}
