package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation/endpoint"
)

// Watching follows folders, never files: editors save by writing a new file
// and renaming it over the old one, and Kubernetes swaps a "..data" symlink,
// both of which a watch on the file itself would lose. A tenant folder that
// does not exist yet is covered by watching its nearest existing ancestor;
// when that ancestor grows the next level, the watch moves down.

// loop dispatches watcher events until the watcher is closed.
func (r *Repository) loop(fsw *fsnotify.Watcher) {
	defer close(r.loopDone)
	for {
		select {
		case ev, ok := <-fsw.Events:
			if !ok {
				return
			}
			r.handle(ev)
		case err, ok := <-fsw.Errors:
			if !ok {
				return
			}
			// An overflow loses events: rescan everything to be safe.
			r.log.Warn("watcher error; rescanning all tenants", zap.Error(err))
			for _, t := range r.tenants() {
				r.schedule(t)
			}
		}
	}
}

// handle routes one event: a change inside a tenant's folder schedules that
// tenant's reload; a change on the way to a folder (or to the tenants
// folder) also moves the watches.
func (r *Repository) handle(ev fsnotify.Event) {
	var hit []*tenant
	structural := selfOrAncestor(ev.Name, r.tenantsDir)
	for _, t := range r.tenants() {
		for _, dir := range t.dirs() {
			switch {
			case filepath.Dir(ev.Name) == dir:
				if counts(filepath.Base(ev.Name)) || t.isRegistryDir(dir) && !strings.HasPrefix(filepath.Base(ev.Name), ".") {
					hit = append(hit, t)
				}
			case selfOrAncestor(ev.Name, dir):
				structural = true
				hit = append(hit, t)
			}
		}
	}
	if filepath.Dir(ev.Name) == r.tenantsDir && ev.Has(fsnotify.Create) {
		r.warnUnknownTenant(filepath.Base(ev.Name))
	}
	// Move the watches first, so that the reload scheduled below scans a
	// folder that is already watched and nothing written meanwhile is lost.
	if structural {
		r.syncWatches()
	}
	for _, t := range hit {
		r.schedule(t)
	}
}

// counts tells whether an event on name can change what is deployed: a
// sequence or endpoint file, or a Kubernetes "..data"-style entry that
// swaps them all.
func counts(name string) bool {
	return isSequenceOrPolicy(name) || isPolicySpec(name) || endpoint.IsEndpointFile(name) || strings.HasPrefix(name, "..")
}

// selfOrAncestor reports whether path is dir or one of its ancestors: an
// event there (a tenant folder or a parent of it removed, renamed or
// created) changes which folders exist, not just a file in one.
func selfOrAncestor(path, dir string) bool {
	return path == dir || strings.HasPrefix(dir, path+string(filepath.Separator))
}

// schedule (re)arms the tenant's debounce timer. A steady stream of events
// postpones the reload by at most debounce × maxWaitFactor.
func (r *Repository) schedule(t *tenant) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	now := time.Now()
	switch {
	case !t.pending:
		t.pending, t.firstPending = true, now
	case now.Sub(t.firstPending) >= r.debounce*maxWaitFactor:
		return // keep the armed deadline
	}
	if t.timer == nil {
		t.timer = time.AfterFunc(r.debounce, func() { r.fire(t) })
		return
	}
	t.timer.Reset(r.debounce)
}

// fire runs a debounced reload unless the repository is closing.
func (r *Repository) fire(t *tenant) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	t.pending = false
	r.reloads.Add(1)
	r.mu.Unlock()
	defer r.reloads.Done()
	before := *t.regDirs.Load()
	t.reload(false)
	if !slices.Equal(before, *t.regDirs.Load()) {
		// A registry folder appeared or went: watch it, then rescan once
		// more for files written there before the watch was in place.
		r.syncWatches()
		t.reload(false)
	}
}

// syncWatches makes the watched folders match the nearest existing folder
// of each tenant and of the tenants folder. It repeats until stable: a
// folder created between looking and adding the watch is caught by the
// next round.
func (r *Repository) syncWatches() {
	r.mu.Lock()
	fsw := r.fsw
	r.mu.Unlock()
	if fsw == nil {
		return
	}
	for range 16 {
		want := r.wantedWatches()
		have := map[string]bool{}
		for _, p := range fsw.WatchList() {
			have[p] = true
		}
		changed := false
		for p := range want {
			if have[p] {
				continue
			}
			if err := fsw.Add(p); err != nil {
				r.log.Debug("cannot watch folder", zap.String("dir", p), zap.Error(err))
				continue
			}
			changed = true
		}
		for p := range have {
			if !want[p] {
				_ = fsw.Remove(p) // the folder may already be gone
			}
		}
		if !changed {
			return
		}
	}
}

func (r *Repository) wantedWatches() map[string]bool {
	want := map[string]bool{nearestExisting(r.tenantsDir): true}
	for _, t := range r.tenants() {
		for _, dir := range t.dirs() {
			want[nearestExisting(dir)] = true
		}
	}
	return want
}

// nearestExisting returns dir, or its closest ancestor that is a folder.
func nearestExisting(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// warnUnknownTenants logs tenant folders that no configured tenant claims:
// their sequences are not deployed, which is easy to miss.
func (r *Repository) warnUnknownTenants() {
	entries, _ := os.ReadDir(r.tenantsDir)
	for _, e := range entries {
		if e.IsDir() {
			r.warnUnknownTenant(e.Name())
		}
	}
}

func (r *Repository) warnUnknownTenant(name string) {
	id, err := strconv.Atoi(name)
	if err != nil {
		return
	}
	for _, t := range r.tenants() {
		if t.id == id {
			return
		}
	}
	r.log.Warn("tenant folder has no configured tenant; its sequences are not deployed",
		zap.String("dir", filepath.Join(r.tenantsDir, name)))
}

// isRegistryDir reports whether dir is one of the tenant's registry
// folders, where any file (not only *.xml) is a resource.
func (t *tenant) isRegistryDir(dir string) bool {
	return slices.Contains(*t.regDirs.Load(), dir)
}
