package deploy

import (
	"errors"
	"io/fs"
	"os"
	"sort"
	"time"

	"go.uber.org/zap"
)

// folder is one watched folder of a tenant (its sequences or its
// endpoints) and the files found there. Guarded by tenant.mu.
type folder[T any] struct {
	kind      *kind[T]
	dir       string
	files     map[string]*file[T]
	nextOrder uint64
	missing   bool // the folder did not exist at the last scan
}

func newFolder[T any](k *kind[T], dir string) *folder[T] {
	return &folder[T]{kind: k, dir: dir, files: map[string]*file[T]{}}
}

// rescan lists the folder, recompiles changed files and forgets removed
// ones. It returns the files in deploy order: first seen first (the
// initial load in name order), so a file added later never displaces an
// earlier claim on a name.
func (d *folder[T]) rescan(log *zap.Logger, now time.Time) ([]*file[T], error) {
	names, err := d.scan(log)
	if err != nil {
		return nil, err
	}
	present := make(map[string]bool, len(names))
	for _, n := range names {
		present[n] = true
		f := d.files[n]
		if f == nil {
			f = newFile[T](d.dir, n, d.nextOrder)
			d.nextOrder++
			d.files[n] = f
		}
		f.refresh(d.kind, now)
	}
	for n := range d.files {
		if !present[n] {
			delete(d.files, n)
		}
	}
	files := make([]*file[T], 0, len(d.files))
	for _, f := range d.files {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].order < files[j].order })
	return files, nil
}

// scan lists the deployable files of the folder, sorted by name. A missing
// folder is an empty one (logged when that changes).
func (d *folder[T]) scan(log *zap.Logger) ([]string, error) {
	entries, err := os.ReadDir(d.dir)
	if errors.Is(err, fs.ErrNotExist) {
		if !d.missing {
			level := zap.InfoLevel
			if d.kind.optional {
				level = zap.DebugLevel
			}
			log.Log(level, d.kind.folder+" folder does not exist (yet); watching for it", zap.String("dir", d.dir))
		}
		d.missing = true
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d.missing = false
	var names []string
	for _, e := range entries {
		if !e.IsDir() && d.kind.isFile(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
