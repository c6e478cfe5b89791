package config

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultWatchDebounce gathers an editor's save (write, rename, chmod) or
// a Kubernetes ConfigMap swap into one reload.
const DefaultWatchDebounce = 100 * time.Millisecond

// Watcher calls a function when any of a few files changes: the config
// file, certificate and key files. It watches their folders, never the
// files: editors save by renaming a new file over the old one, and
// Kubernetes swaps a "..data" symlink, both of which a watch on the file
// itself would lose. Events on any "..*" entry of a folder count too.
type Watcher struct {
	fsw      *fsnotify.Watcher
	debounce time.Duration
	onChange func()

	mu     sync.Mutex
	names  map[string]map[string]bool // folder -> base names followed
	timer  *time.Timer
	closed bool
	fires  sync.WaitGroup
	call   sync.Mutex // one onChange at a time
	done   chan struct{}
}

// NewWatcher follows files and calls onChange (from its own goroutine, one
// call at a time) debounce after the last change.
func NewWatcher(files []string, debounce time.Duration, onChange func()) (*Watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if debounce <= 0 {
		debounce = DefaultWatchDebounce
	}
	w := &Watcher{fsw: fsw, debounce: debounce, onChange: onChange, names: map[string]map[string]bool{}, done: make(chan struct{})}
	if err := w.Follow(files); err != nil {
		_ = fsw.Close()
		return nil, err
	}
	go w.loop()
	return w, nil
}

// Follow replaces the followed files (after a config reload changed them).
func (w *Watcher) Follow(files []string) error {
	names := map[string]map[string]bool{}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		dir := filepath.Dir(abs)
		if names[dir] == nil {
			names[dir] = map[string]bool{}
		}
		names[dir][filepath.Base(abs)] = true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for dir := range names {
		if w.names[dir] == nil {
			if err := w.fsw.Add(dir); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for dir := range w.names {
		if names[dir] == nil {
			_ = w.fsw.Remove(dir)
		}
	}
	w.names = names
	return errors.Join(errs...)
}

func (w *Watcher) loop() {
	defer close(w.done)
	for {
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.counts(ev.Name) {
				w.schedule()
			}
		case _, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.schedule() // events may have been lost: reload to be safe
		}
	}
}

func (w *Watcher) counts(path string) bool {
	dir, base := filepath.Dir(path), filepath.Base(path)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.names[dir][base] || (w.names[dir] != nil && strings.HasPrefix(base, ".."))
}

func (w *Watcher) schedule() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(w.debounce, w.fire)
		return
	}
	w.timer.Reset(w.debounce)
}

func (w *Watcher) fire() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.fires.Add(1)
	w.mu.Unlock()
	defer w.fires.Done()
	w.call.Lock()
	defer w.call.Unlock()
	w.onChange()
}

// Close stops watching and waits for a change call in progress.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	err := w.fsw.Close()
	<-w.done
	w.fires.Wait()
	return err
}
