package deploy

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation"
)

// registry is a tenant's file-based registry folder and what was read from
// it. Guarded by tenant.mu.
type registry struct {
	dir   string // <registry>: holds governance/ and config/
	files map[string]*regFile
	dirs  []string // folders found at the last scan (watched)
}

// regFile is one registry file, reused while its size and mtime stay.
type regFile struct {
	key         string
	size        int64
	mtime       time.Time
	readAt      time.Time
	good        *mediation.Resource // last version that parsed
	sum         [sha256.Size]byte
	err         string // why the current content is refused
	lastLogged  string
	servingGood bool
}

var registryRoots = [...]struct{ folder, prefix string }{{"governance", "gov:/"}, {"config", "conf:/"}}

func newRegistry(dir string) registry {
	r := registry{dir: dir, files: map[string]*regFile{}}
	for _, rr := range registryRoots {
		r.dirs = append(r.dirs, filepath.Join(dir, rr.folder))
	}
	return r
}

// rescan walks governance/ and config/ and re-reads changed files. A file
// that stops parsing keeps serving its last good content.
func (g *registry) rescan(log *zap.Logger, now time.Time) []FileStatus {
	seen := map[string]bool{}
	dirs := []string{}
	var out []FileStatus
	count := 0
	for _, rr := range registryRoots {
		base := filepath.Join(g.dir, rr.folder)
		dirs = append(dirs, base)
		_ = filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					log.Warn("cannot read registry folder", zap.String("path", path), zap.Error(err))
				}
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") && path != base {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != base && len(dirs) < maxRegistryDirs {
					dirs = append(dirs, path)
				}
				return nil
			}
			if count++; count > maxRegistryFiles {
				return filepath.SkipAll
			}
			rel, _ := filepath.Rel(base, path)
			seen[path] = true
			f := g.files[path]
			if f == nil {
				f = &regFile{key: rr.prefix + filepath.ToSlash(rel)}
				g.files[path] = f
			}
			f.refresh(path, now)
			return nil
		})
	}
	if count > maxRegistryFiles {
		log.Error("registry holds too many files; the rest are ignored", zap.String("dir", g.dir), zap.Int("limit", maxRegistryFiles))
	}
	for p := range g.files {
		if !seen[p] {
			delete(g.files, p)
		}
	}
	g.dirs = dirs
	for p, f := range g.files {
		st := FileStatus{File: f.key, Path: p, State: StateActive, Sequences: []string{}, Keys: []string{f.key}}
		if f.err != "" {
			st.State, st.Error, st.ServingLastGood = StateRefused, f.err, f.good != nil
			if f.err != f.lastLogged {
				log.Error("registry resource refused", zap.String("file", p), zap.String("error", f.err), zap.Bool("serving_last_good", f.good != nil))
			}
		}
		f.lastLogged = f.err
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

func (f *regFile) refresh(path string, now time.Time) {
	fi, err := os.Stat(path)
	if err == nil && f.err == "" && f.good != nil && fi.Size() == f.size && fi.ModTime().Equal(f.mtime) && f.readAt.Sub(f.mtime) > racyWindow {
		return
	}
	data, err := readBounded(path)
	if err != nil {
		f.err = path + ": " + err.Error()
		return
	}
	f.size, f.readAt = int64(len(data)), now
	if fi != nil {
		f.mtime = fi.ModTime()
	}
	res := &mediation.Resource{Key: f.key, File: path}
	if err := parseResource(path, data, res); err != nil {
		f.err = err.Error()
		return
	}
	f.good, f.err, f.sum = res, "", sha256.Sum256([]byte(res.Text))
}
