// Package deploy owns the WSO2 repository layout on disk: each tenant's
// sequences folder is compiled into an immutable sequences.Set (and its
// endpoints folder into an endpoint.Set, its local entries and registry
// into the resource set sequences resolve keys against), each published
// with one atomic store, and kept current by watching the folders with
// fsnotify. A file that stops compiling keeps serving its last good version
// and shows up as refused in Status; other files and tenants are untouched.
package deploy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/sequences"
)

// DefaultDebounce is how long a tenant's folder must stay quiet before it is
// rescanned: long enough to gather an editor's save (write, rename, chmod)
// or a Kubernetes symlink swap into one reload.
const DefaultDebounce = 50 * time.Millisecond

// maxWaitFactor bounds how long a stream of events can postpone a reload:
// debounce × maxWaitFactor after the first pending event, it runs anyway.
const maxWaitFactor = 10

// Options configure a Repository.
type Options struct {
	Root     string          // the WSO2-layout root (holds repository/...)
	Tenants  []config.Tenant // besides the super tenant, which always exists
	Logger   *zap.Logger     // nil: no logs
	Debounce time.Duration   // 0: DefaultDebounce
}

// Repository serves every tenant's current Set. The tenant index is
// immutable and published with one atomic store (SetTenants builds a new
// one), so Set needs no lock: two atomic loads and one map read.
type Repository struct {
	root        string
	tenantsDir  string // <root>/repository/tenants
	log         *zap.Logger
	debounce    time.Duration
	index       atomic.Pointer[tenantIndex]
	libUse      atomic.Pointer[map[string][]LibraryUse] // by domain; written under setMu (library.go)
	apisChanged atomic.Pointer[func()]                  // OnAPIsChanged (apis.go)
	apiRefusals atomic.Pointer[map[string]string]       // SetAPIRefusals (apis.go)
	names       nameWatch                               // namecheck.go

	setMu    sync.Mutex // serializes SetTenants
	mu       sync.Mutex // guards the fields below and the tenants' timers
	fsw      *fsnotify.Watcher
	started  bool
	closed   bool
	loopDone chan struct{}
	reloads  sync.WaitGroup // debounced reloads in flight
}

var emptySet = new(sequences.Set)

// New checks the options and lays out the tenants; nothing is read yet.
func New(opts Options) (*Repository, error) {
	if opts.Root == "" {
		return nil, errors.New("deploy: repository root is empty")
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("deploy: repository root: %w", err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("deploy: repository root %s is not a folder: %w", root, errNotDir(err))
	}
	r := &Repository{
		root:       root,
		tenantsDir: filepath.Join(root, "repository", "tenants"),
		log:        opts.Logger,
		debounce:   opts.Debounce,
	}
	if r.log == nil {
		r.log = zap.NewNop()
	}
	if r.debounce <= 0 {
		r.debounce = DefaultDebounce
	}
	idx, err := r.buildIndex(opts.Tenants, nil)
	if err != nil {
		return nil, err
	}
	r.index.Store(idx)
	return r, nil
}

func errNotDir(err error) error {
	if err != nil {
		return err
	}
	return errors.New("not a directory")
}

// Set returns the tenant's current Set: never nil (empty for an unknown
// domain or before the first load). Read it once per request and keep it.
func (r *Repository) Set(domain string) *sequences.Set {
	if t := r.index.Load().byDomain[domain]; t != nil {
		return t.set.Load()
	}
	return emptySet
}

// Ready reports whether every tenant's folder has been loaded once.
func (r *Repository) Ready() bool {
	for _, t := range r.tenants() {
		if !t.loaded.Load() {
			return false
		}
	}
	return true
}

// Start begins watching, loads every tenant once, then follows changes.
// Watches are placed before loading so that no change slips in between.
func (r *Repository) Start() error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("deploy: watcher: %w", err)
	}
	r.mu.Lock()
	if r.started || r.closed {
		r.mu.Unlock()
		fsw.Close()
		return errors.New("deploy: repository already started or closed")
	}
	r.started, r.fsw, r.loopDone = true, fsw, make(chan struct{})
	r.mu.Unlock()
	r.syncWatches()
	r.warnUnknownTenants()
	for _, t := range r.tenants() {
		t.reload(true)
	}
	r.syncRegistryWatches()
	go r.loop(fsw)
	return nil
}

// Reload rescans every tenant now (for an admin "reload" action or a
// SIGHUP); unchanged files are not recompiled.
func (r *Repository) Reload() {
	r.syncWatches()
	for _, t := range r.tenants() {
		t.reload(true)
	}
	r.syncRegistryWatches()
}

// syncRegistryWatches watches the registry subfolders a load has just
// found (they are only known once read), then rescans the tenants once
// more for anything written there before the watch was in place.
func (r *Repository) syncRegistryWatches() {
	want := r.wantedWatches()
	r.mu.Lock()
	fsw := r.fsw
	r.mu.Unlock()
	if fsw == nil {
		return
	}
	have := map[string]bool{}
	for _, p := range fsw.WatchList() {
		have[p] = true
	}
	for p := range want {
		if !have[p] {
			r.syncWatches()
			for _, t := range r.tenants() {
				t.reload(false)
			}
			return
		}
	}
}

// Close stops watching and waits for reloads in flight. Sets already handed
// out stay valid.
func (r *Repository) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	for _, t := range r.tenants() {
		if t.timer != nil {
			t.timer.Stop()
		}
	}
	fsw, done := r.fsw, r.loopDone
	r.mu.Unlock()
	var err error
	if fsw != nil {
		err = fsw.Close()
		<-done
	}
	r.reloads.Wait()
	return err
}
