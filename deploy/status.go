package deploy

import (
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/sequences"
)

// File states in Status.
const (
	StateActive  = "active"  // the file's current content is deployed
	StateRefused = "refused" // the current content is not; see Error
)

// TenantStatus is what an operator needs to see about one tenant's folder
// (served as JSON by the admin API).
type TenantStatus struct {
	Domain string       `json:"domain"`
	ID     int          `json:"id"`
	Dir    string       `json:"dir"`
	Loaded bool         `json:"loaded"`
	Files  []FileStatus `json:"files"`
	// EndpointsDir and EndpointFiles are the tenant's named endpoints
	// (synapse-configs/default/endpoints), with the same states.
	EndpointsDir  string       `json:"endpoints_dir"`
	EndpointFiles []FileStatus `json:"endpoint_files"`
	// LocalEntriesDir and LocalEntryFiles are the tenant's local entries
	// (synapse-configs/default/local-entries); RegistryDir and RegistryFiles
	// its file-based registry (governance/ and config/ under RegistryDir).
	LocalEntriesDir string       `json:"local_entries_dir"`
	LocalEntryFiles []FileStatus `json:"local_entry_files"`
	RegistryDir     string       `json:"registry_dir"`
	RegistryFiles   []FileStatus `json:"registry_files"`
	// APIsDir and APIFiles are the tenant's <api> files
	// (synapse-configs/default/api, apis.go).
	APIsDir  string       `json:"apis_dir"`
	APIFiles []FileStatus `json:"api_files"`
	// Library is the custom sequence library (customsequences/{in,out,fault})
	// and the APIs using it.
	Library LibraryStatus `json:"library"`
	// Error says why the last rescan of a folder failed (it exists but
	// cannot be read); the files listed are then the last good ones, still
	// serving. Empty once a rescan succeeds.
	Error string `json:"error,omitempty"`
}

// FileStatus is one sequence or endpoint file. A refused file that had deployed before
// keeps serving that version: ServingLastGood is then true and Sequences
// names what it still serves.
type FileStatus struct {
	File            string   `json:"file"`
	Path            string   `json:"path"`
	State           string   `json:"state"`
	Error           string   `json:"error,omitempty"`
	Warnings        []string `json:"warnings,omitempty"`
	Sequences       []string `json:"sequences"`
	Endpoints       []string `json:"endpoints,omitempty"` // endpoint files: the endpoint served
	Keys            []string `json:"keys,omitempty"`      // local entry and registry files: the key served
	APIs            []string `json:"apis,omitempty"`      // api files: the API served (Synapse name)
	ServingLastGood bool     `json:"serving_last_good"`
}

// Status returns every tenant's status, super tenant first. It never waits
// for a reload: each tenant's status is published with its Set.
func (r *Repository) Status() []TenantStatus {
	out := make([]TenantStatus, 0, len(r.tenants()))
	for _, t := range r.tenants() {
		out = append(out, r.withAPIRefusals(*t.status.Load()))
	}
	return out
}

// TenantStatus is the status of the tenant serving domain, found through
// the repository's domain index (Status copies every tenant's).
func (r *Repository) TenantStatus(domain string) (TenantStatus, bool) {
	if t := r.index.Load().byDomain[domain]; t != nil {
		return r.withAPIRefusals(*t.status.Load()), true
	}
	return TenantStatus{}, false
}

// logChanges logs, in the spirit of Synapse's SequenceDeployer, what a
// reload changed: sequences deployed, updated, undeployed, and files newly
// refused (each refusal once, not on every reload).
func (t *tenant) logChanges(old, cur *sequences.Set, files []*file[sequences.Sequence], statuses []FileStatus, announce bool) {
	for _, name := range cur.Names() {
		seq, prev := cur.Get(name), old.Get(name)
		switch {
		case prev == nil:
			t.log.Info("sequence deployed", zap.String("name", name), zap.String("file", seq.File))
		case prev != seq && prev.File != seq.File:
			t.log.Info("sequence updated", zap.String("name", name), zap.String("file", seq.File), zap.String("previous_file", prev.File))
		case prev != seq:
			t.log.Info("sequence updated", zap.String("name", name), zap.String("file", seq.File))
		}
	}
	for _, name := range old.Names() {
		if cur.Get(name) == nil {
			t.log.Info("sequence undeployed", zap.String("name", name), zap.String("file", old.Get(name).File))
		}
	}
	logRefusals(t.log, "sequence refused", files, statuses)
	level := zap.DebugLevel
	if announce {
		level = zap.InfoLevel
	}
	t.log.Log(level, "tenant loaded", zap.String("domain", t.domain), zap.Int("files", len(files)), zap.Int("sequences", cur.Len()))
}

// logRefusals logs each file whose refusal is new since its last scan,
// once: a file that stays broken does not log on every rescan.
func logRefusals[T any](log *zap.Logger, msg string, files []*file[T], statuses []FileStatus) {
	byPath := make(map[string]*FileStatus, len(statuses))
	for i := range statuses {
		byPath[statuses[i].Path] = &statuses[i]
	}
	for _, f := range files {
		st := byPath[f.path]
		if st.Error != "" && st.Error != f.lastErr {
			log.Error(msg, zap.String("file", f.path), zap.String("error", st.Error),
				zap.Bool("serving_last_good", st.ServingLastGood))
		}
		f.lastErr = st.Error
	}
}
