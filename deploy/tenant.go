package deploy

import (
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation/endpoint"
	"github.com/seqgate/seqgate/sequences"
)

// tenant is one tenant's folders (sequences, endpoints and the custom
// sequence library, side by side in synapse-configs/default) and what was
// deployed from them.
type tenant struct {
	domain string
	id     int
	dir    string // sequences folder
	epDir  string // endpoints folder
	log    *zap.Logger
	names  *nameWatch // the repository's; nil in a tenant built alone

	set  atomic.Pointer[sequences.Set]
	eps  atomic.Pointer[endpoint.Set]
	apis atomic.Pointer[[]*sequences.API] // served from the api folder (apis.go)
	// apisChanged is the repository's OnAPIsChanged callback (nil: none).
	apisChanged *atomic.Pointer[func()]
	resAt       atomic.Pointer[resourceSet] // published local entries and registry resources
	extPos      atomic.Pointer[string]      // tenant-conf.json's ExtensionHandlerPosition (tenantconf.go)
	regDirs     atomic.Pointer[[]string]    // registry folders found at the last scan (watched)
	status      atomic.Pointer[TenantStatus]
	loaded      atomic.Bool

	mu  sync.Mutex // serializes reloads; guards the folders
	seq *folder[sequences.Sequence]
	ep  *folder[endpoint.Named]
	api *folder[sequences.API]
	lib library
	le  *folder[localEntry]
	reg registry
	res *resourceSet // the resources the folders compile against (also published in resAt)
	// specs: the spec files of the .j2 templates as last seen (policyspec.go)
	specs map[string]specState
	// confLogged: the tenant-conf.json problem last logged (tenantconf.go)
	confLogged string

	// debounce state, guarded by Repository.mu
	timer        *time.Timer
	pending      bool
	firstPending time.Time
}

// newTenant lays out the folders under base (synapse-configs/default).
func newTenant(domain string, id int, base string, log *zap.Logger) *tenant {
	dir, epDir := filepath.Join(base, "sequences"), filepath.Join(base, "endpoints")
	t := &tenant{domain: domain, id: id, dir: dir, epDir: epDir, log: log,
		seq: newFolder(&sequenceKind, dir), ep: newFolder(&endpointKind, epDir),
		lib: newLibrary(filepath.Join(base, "customsequences"))}
	// Sequences (the folder and the library) compile against the tenant's
	// current resources, so each tenant gets its own copy of the kind.
	seqK, libK := sequenceKind, libraryKind
	seqK.compile = t.compileSequence
	libK.compile = t.compileSequence
	t.seq.kind = &seqK
	apiK := apiKind
	apiK.compile = t.compileAPI
	t.api = newFolder(&apiK, filepath.Join(base, "api"))
	t.apis.Store(emptyAPIs)
	for f := range numFlows {
		t.lib.folders[f].kind = &libK
	}
	t.res = emptyResources
	t.resAt.Store(emptyResources)
	t.extPos.Store(new(string))
	t.regDirs.Store(&[]string{})
	t.set.Store(emptySet)
	t.eps.Store(emptyEndpoints)
	t.status.Store(&TenantStatus{Domain: domain, ID: id, Dir: dir, EndpointsDir: epDir,
		Files: []FileStatus{}, EndpointFiles: []FileStatus{},
		APIsDir: t.api.dir, APIFiles: []FileStatus{}, Library: t.lib.status(nil, nil, nil)})
	return t
}

// dirs are the folders the tenant deploys from, watched for changes.
func (t *tenant) dirs() []string {
	out := []string{t.dir, t.epDir, t.api.dir}
	if t.le != nil {
		out = append(out, t.le.dir)
	}
	out = append(out, *t.regDirs.Load()...)
	for _, f := range t.lib.folders {
		out = append(out, f.dir)
	}
	return out
}

// reload rescans both folders, recompiles changed files, links a new
// sequence Set and endpoint Set and publishes each with one atomic store.
// announce logs "tenant loaded" at info (first load, explicit Reload); hot
// reloads log it at debug. A folder that cannot be read keeps what it had.
func (t *tenant) reload(announce bool) {
	if t.reloadLocked(announce) && t.apisChanged != nil {
		if fn := t.apisChanged.Load(); fn != nil {
			(*fn)()
		}
	}
}

// reloadLocked is reload under t.mu; it reports whether the tenant's list
// of APIs changed.
func (t *tenant) reloadLocked(announce bool) (apisChanged bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	st := *t.status.Load()
	st.Error = ""
	if files, err := t.ep.rescan(t.log, now); err != nil {
		t.log.Error("cannot read endpoints folder; keeping the deployed endpoints", zap.String("dir", t.epDir), zap.Error(err))
		st.Error = "endpoints folder unreadable, last good endpoints kept: " + err.Error()
	} else {
		set, statuses := linkEndpoints(files)
		old := t.eps.Swap(set)
		st.EndpointFiles = statuses
		t.logEndpointChanges(old, set, files, statuses)
	}
	t.reloadResources(&st, now)
	t.templateSpecs(false)
	apisChanged = t.reloadAPIs(&st, now)
	files, err := t.seq.rescan(t.log, now)
	if err != nil {
		t.log.Error("cannot read sequences folder; keeping the deployed sequences", zap.String("dir", t.dir), zap.Error(err))
		st.Error = "sequences folder unreadable, last good sequences kept: " + err.Error()
		t.status.Store(&st)
		return apisChanged
	}
	t.templateSpecs(true)
	t.lib.rescan(t.log, now)
	ds := t.lib.derive()
	set, statuses, libReports := link(files, entries(ds))
	old := t.set.Swap(set)
	t.loaded.Store(true)
	st.Loaded, st.Files, st.Library = true, statuses, t.lib.status(ds, libReports, set)
	t.status.Store(&st)
	t.logChanges(old, set, files, statuses, announce)
	if t.names != nil {
		t.names.deployed(t, set)
	}
	t.lib.logUses(t.log, st.Library.Uses)
	return apisChanged
}

// link builds the Set from each file's newest version, then the library's
// per-API copies (extra, after the files: a file's claim on a name wins).
// A file whose newest version compiles but is refused when linked
// (duplicate name, cycle) falls back to its last good version (linkFiles).
// It returns the reports of the extra entries.
func link(files []*file[sequences.Sequence], extra []sequences.Entry) (*sequences.Set, []FileStatus, []sequences.Report) {
	set, out, reports := linkFiles(files, extra, seqEntry, sequences.Build, seqVerdict,
		func(st *FileStatus, seq *sequences.Sequence, r sequences.Report) {
			if st.Warnings = r.Warnings; seq != nil {
				st.Sequences = append(st.Sequences, seq.Name)
			}
		})
	return set, out, reports[len(files):]
}

func seqEntry(path string, seq *sequences.Sequence, err error) sequences.Entry {
	return sequences.Entry{File: path, Seq: seq, Err: err}
}

func seqVerdict(r sequences.Report) (bool, error) { return r.Served, r.Err }

// linkFiles links the files' newest versions, then extra (mk makes a
// file's entry, build links them all, verdict reads a report). A file
// whose newest version compiles but is refused when linked (duplicate name,
// cycle) falls back to its last good version, offered with the refusal as
// its error, and the build is repeated; every round moves at least one
// file to its fallback, so it ends. It records what each file serves
// (f.good) and returns the set, the files' statuses sorted by name (fill
// adds the names served, given the version served or nil, and the report)
// and every report, the files' first. Sequences and endpoints share it so
// their fallback cannot drift.
func linkFiles[T, E, R, S any](files []*file[T], extra []E, mk func(path string, v *T, err error) E,
	build func([]E) (S, []R), verdict func(R) (bool, error), fill func(*FileStatus, *T, R)) (S, []FileStatus, []R) {
	n := len(files)
	entries := append(make([]E, n, n+len(extra)), extra...)
	offered, fellBack := make([]*T, n), make([]bool, n)
	for i, f := range files {
		v, err := f.offer()
		offered[i], entries[i] = v, mk(f.path, v, err)
	}
	for {
		set, reports := build(entries)
		retry := false
		for i, f := range files {
			if served, err := verdict(reports[i]); !served && !fellBack[i] && f.latest != nil && f.good != nil && f.good != f.latest {
				fellBack[i], retry = true, true
				offered[i], entries[i] = f.good, mk(f.path, f.good, err)
			}
		}
		if retry {
			continue
		}
		out := make([]FileStatus, n)
		for i, f := range files {
			served, err := verdict(reports[i])
			out[i] = FileStatus{File: f.name, Path: f.path, State: StateActive, Sequences: []string{}}
			var v *T
			if served {
				f.good, v = offered[i], offered[i]
			}
			fill(&out[i], v, reports[i])
			if err != nil {
				out[i].State, out[i].Error, out[i].ServingLastGood = StateRefused, err.Error(), served
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
		return set, out, reports
	}
}

// setResourceFolders places the local-entries folder (beside sequences)
// and the registry; home is the repository root, the only place a local
// entry's src= may read from.
func (t *tenant) setResourceFolders(home, regDir string) {
	leDir := filepath.Join(filepath.Dir(t.dir), "local-entries")
	t.le = newFolder(localEntryKind(home), leDir)
	t.reg = newRegistry(regDir)
	dirs := slices.Clone(t.reg.dirs)
	t.regDirs.Store(&dirs)
	st := *t.status.Load()
	st.LocalEntriesDir, st.RegistryDir = leDir, regDir
	st.LocalEntryFiles, st.RegistryFiles = []FileStatus{}, []FileStatus{}
	t.status.Store(&st)
}

// compileSequence compiles a sequence file against the tenant's current
// resources (called under t.mu, from a folder rescan).
func (t *tenant) compileSequence(path string, data []byte) (*sequences.Sequence, error) {
	return sequences.CompileWith(path, data, t.res)
}

// reloadResources rescans the local entries and the registry, builds the
// tenant's new resource set and marks stale every sequence file that
// looked up a changed key (or failed to compile: a new resource may be
// what it lacked), so the rescan that follows recompiles them.
func (t *tenant) reloadResources(st *TenantStatus, now time.Time) {
	if t.le == nil {
		return
	}
	files, err := t.le.rescan(t.log, now)
	if err != nil {
		t.log.Error("cannot read local-entries folder; keeping the deployed local entries", zap.String("dir", t.le.dir), zap.Error(err))
		st.Error = "local-entries folder unreadable, last good local entries kept: " + err.Error()
		return
	}
	st.RegistryFiles = t.reg.rescan(t.log, now)
	dirs := slices.Clone(t.reg.dirs)
	t.regDirs.Store(&dirs)
	set, statuses := buildResources(files, &t.reg)
	logRefusals(t.log, "local entry refused", files, statuses)
	st.LocalEntryFiles = statuses
	changed := set.changed(t.res)
	t.res = set
	t.resAt.Store(set)
	t.applyTenantConf(set, st)
	if len(changed) == 0 {
		return
	}
	markStale(t.seq, changed, seqKeys)
	markStale(t.api, changed, func(a *sequences.API) []string { return a.Keys })
	for f := range numFlows {
		markStale(t.lib.folders[f], changed, seqKeys)
	}
}

// markStale flags the files to recompile after the resources changed: those
// that failed, and those whose last version looked up a changed key (keys
// lists them: a sequence's resources, an api file's keys).
func markStale[T any](d *folder[T], changed map[string]bool, keys func(*T) []string) {
	for _, f := range d.files {
		if f.latest == nil {
			f.stale = true
			continue
		}
		for _, k := range keys(f.latest) {
			if changed[normalizeKey(k)] {
				f.stale = true
				break
			}
		}
	}
}

// seqKeys are the resources a sequence looked up.
func seqKeys(s *sequences.Sequence) []string { return s.Resources }
