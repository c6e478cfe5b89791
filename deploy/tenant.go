package deploy

import (
	"errors"
	"io/fs"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/sequences"
)

// tenant is one tenant's folder and what was deployed from it.
type tenant struct {
	domain string
	id     int
	dir    string
	log    *zap.Logger

	set    atomic.Pointer[sequences.Set]
	status atomic.Pointer[TenantStatus]
	loaded atomic.Bool

	mu        sync.Mutex // serializes reloads; guards the fields below
	files     map[string]*file
	nextOrder uint64
	missing   bool // the folder did not exist at the last scan

	// debounce state, guarded by Repository.mu
	timer        *time.Timer
	pending      bool
	firstPending time.Time
}

func newTenant(domain string, id int, dir string, log *zap.Logger) *tenant {
	t := &tenant{domain: domain, id: id, dir: dir, log: log, files: map[string]*file{}}
	t.set.Store(emptySet)
	t.status.Store(&TenantStatus{Domain: domain, ID: id, Dir: dir, Files: []FileStatus{}})
	return t
}

// reload rescans the folder, recompiles changed files, links a new Set and
// publishes it with one atomic store. announce logs "tenant loaded" at info
// (first load, explicit Reload); hot reloads log it at debug.
func (t *tenant) reload(announce bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	names, err := t.scan()
	if err != nil {
		t.log.Error("cannot read sequences folder; keeping the deployed sequences", zap.String("dir", t.dir), zap.Error(err))
		return
	}
	now := time.Now()
	present := make(map[string]bool, len(names))
	for _, n := range names {
		present[n] = true
		f := t.files[n]
		if f == nil {
			f = newFile(t.dir, n, t.nextOrder)
			t.nextOrder++
			t.files[n] = f
		}
		f.refresh(now)
	}
	for n := range t.files {
		if !present[n] {
			delete(t.files, n)
		}
	}
	files := t.ordered()
	set, statuses := link(files)
	old := t.set.Swap(set)
	t.loaded.Store(true)
	t.status.Store(&TenantStatus{Domain: t.domain, ID: t.id, Dir: t.dir, Loaded: true, Files: statuses})
	t.logChanges(old, set, files, statuses, announce)
}

// scan lists the sequence files of the folder, sorted by name. A missing
// folder is an empty one (logged when that changes).
func (t *tenant) scan() ([]string, error) {
	entries, err := os.ReadDir(t.dir)
	if errors.Is(err, fs.ErrNotExist) {
		if !t.missing {
			t.log.Info("sequences folder does not exist (yet); watching for it", zap.String("dir", t.dir))
		}
		t.missing = true
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.missing = false
	var names []string
	for _, e := range entries {
		if !e.IsDir() && sequences.IsSequenceFile(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// ordered returns the files in deploy order: first seen first (the initial
// load in name order), so a file added later never displaces an earlier
// claim on a sequence name.
func (t *tenant) ordered() []*file {
	files := make([]*file, 0, len(t.files))
	for _, f := range t.files {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].order < files[j].order })
	return files
}

// link builds the Set from each file's newest version. A file whose newest
// version compiles but is refused when linked (duplicate name, cycle) falls
// back to its last good version, and the build is repeated; every round
// moves at least one file to its fallback, so it ends.
func link(files []*file) (*sequences.Set, []FileStatus) {
	entries := make([]sequences.Entry, len(files))
	fellBack := make([]bool, len(files))
	for i, f := range files {
		entries[i] = f.entry()
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
func commit(files []*file, entries []sequences.Entry, reports []sequences.Report) []FileStatus {
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
