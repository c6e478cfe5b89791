package deploy

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation/endpoint"
	"github.com/seqgate/seqgate/sequences"
)

// tenant is one tenant's folders (sequences and endpoints, side by side in
// synapse-configs/default) and what was deployed from them.
type tenant struct {
	domain string
	id     int
	dir    string // sequences folder
	epDir  string // endpoints folder
	log    *zap.Logger

	set    atomic.Pointer[sequences.Set]
	eps    atomic.Pointer[endpoint.Set]
	status atomic.Pointer[TenantStatus]
	loaded atomic.Bool

	mu  sync.Mutex // serializes reloads; guards the folders
	seq *folder[sequences.Sequence]
	ep  *folder[endpoint.Named]

	// debounce state, guarded by Repository.mu
	timer        *time.Timer
	pending      bool
	firstPending time.Time
}

func newTenant(domain string, id int, dir, epDir string, log *zap.Logger) *tenant {
	t := &tenant{domain: domain, id: id, dir: dir, epDir: epDir, log: log,
		seq: newFolder(&sequenceKind, dir), ep: newFolder(&endpointKind, epDir)}
	t.set.Store(emptySet)
	t.eps.Store(emptyEndpoints)
	t.status.Store(&TenantStatus{Domain: domain, ID: id, Dir: dir, EndpointsDir: epDir,
		Files: []FileStatus{}, EndpointFiles: []FileStatus{}})
	return t
}

// reload rescans both folders, recompiles changed files, links a new
// sequence Set and endpoint Set and publishes each with one atomic store.
// announce logs "tenant loaded" at info (first load, explicit Reload); hot
// reloads log it at debug. A folder that cannot be read keeps what it had.
func (t *tenant) reload(announce bool) {
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
	files, err := t.seq.rescan(t.log, now)
	if err != nil {
		t.log.Error("cannot read sequences folder; keeping the deployed sequences", zap.String("dir", t.dir), zap.Error(err))
		st.Error = "sequences folder unreadable, last good sequences kept: " + err.Error()
		t.status.Store(&st)
		return
	}
	set, statuses := link(files)
	old := t.set.Swap(set)
	t.loaded.Store(true)
	st.Loaded, st.Files = true, statuses
	t.status.Store(&st)
	t.logChanges(old, set, files, statuses, announce)
}

// link builds the Set from each file's newest version. A file whose newest
// version compiles but is refused when linked (duplicate name, cycle) falls
// back to its last good version, and the build is repeated; every round
// moves at least one file to its fallback, so it ends.
func link(files []*file[sequences.Sequence]) (*sequences.Set, []FileStatus) {
	entries := make([]sequences.Entry, len(files))
	fellBack := make([]bool, len(files))
	for i, f := range files {
		seq, err := f.offer()
		entries[i] = sequences.Entry{File: f.path, Seq: seq, Err: err}
	}
	for {
		set, reports := sequences.Build(entries)
		retry := false
		for i, f := range files {
			if !reports[i].Served && !fellBack[i] && f.latest != nil && f.good != nil && f.good != f.latest {
				fellBack[i], retry = true, true
				entries[i] = sequences.Entry{File: f.path, Seq: f.good, Err: reports[i].Err}
			}
		}
		if !retry {
			return set, commit(files, entries, reports)
		}
	}
}

// commit records what is served from each file and builds its status.
func commit(files []*file[sequences.Sequence], entries []sequences.Entry, reports []sequences.Report) []FileStatus {
	out := make([]FileStatus, len(files))
	for i, f := range files {
		r := reports[i]
		st := FileStatus{File: f.name, Path: f.path, State: StateActive, Warnings: r.Warnings, Sequences: []string{}}
		if r.Served {
			f.good = entries[i].Seq
			st.Sequences = append(st.Sequences, f.good.Name)
		}
		if r.Err != nil {
			st.State, st.Error, st.ServingLastGood = StateRefused, r.Err.Error(), r.Served
		}
		out[i] = st
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}
