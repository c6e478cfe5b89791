package apimimport

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Bounds on what an input may hold. A project is a few YAML files and
// sequences; these are far above any real one and keep a hostile zip (a
// bomb, a million entries) from taking the machine.
const (
	MaxZipBytes   = 64 << 20  // the zip file itself
	MaxFileBytes  = 8 << 20   // one file, decompressed
	MaxTotalBytes = 128 << 20 // every file read, decompressed
	MaxFiles      = 20000     // entries in a zip or files under a folder
)

// source is a read-only tree of files: a folder, or a zip read in memory.
// name is what notes call it (the folder or zip path the user gave).
type source struct {
	name  string
	files map[string][]byte // slash paths relative to the root, read lazily for folders
	dir   string            // folder root, "" for a zip
	list  []string          // every file path, sorted
	read  int64             // bytes read so far (MaxTotalBytes)
}

// openSource opens a folder or a .zip file.
func openSource(p string) (*source, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return openDir(p)
	}
	return openZip(p, st.Size())
}

func openDir(dir string) (*source, error) {
	s := &source{name: dir, dir: dir}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil // a link could lead out of the project: not followed
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			s.list = append(s.list, filepath.ToSlash(rel))
			if len(s.list) > MaxFiles {
				return fmt.Errorf("%s: more than %d files", dir, MaxFiles)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(s.list)
	return s, nil
}

// openZip reads a zip in memory. Entry names are checked before anything
// is used: an absolute path, a "..", a backslash or a drive letter (zip
// slip) refuses the whole archive, since nothing good explains one. Sizes
// are bounded by what is actually decompressed, not by the headers, which
// the archive's author controls.
func openZip(p string, size int64) (*source, error) {
	if size > MaxZipBytes {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d a project zip may have", p, size, MaxZipBytes)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: not a zip: %w", p, err)
	}
	if len(zr.File) > MaxFiles {
		return nil, fmt.Errorf("%s: %d entries, more than %d", p, len(zr.File), MaxFiles)
	}
	s := &source{name: p, files: map[string][]byte{}}
	for _, f := range zr.File {
		name := f.Name
		if bad := unsafeName(name); bad != "" {
			return nil, fmt.Errorf("%s: entry %q %s: refused (zip slip)", p, name, bad)
		}
		if strings.HasSuffix(name, "/") || !f.Mode().IsRegular() {
			continue // folders, links and devices: only plain files are read
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p, name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxFileBytes+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p, name, err)
		}
		if len(b) > MaxFileBytes {
			return nil, fmt.Errorf("%s: %s: larger than %d bytes decompressed", p, name, MaxFileBytes)
		}
		s.read += int64(len(b))
		if s.read > MaxTotalBytes {
			return nil, fmt.Errorf("%s: more than %d bytes decompressed", p, MaxTotalBytes)
		}
		if _, dup := s.files[name]; dup {
			return nil, fmt.Errorf("%s: entry %q twice", p, name)
		}
		s.files[name] = b
		s.list = append(s.list, name)
	}
	sort.Strings(s.list)
	return s, nil
}

// unsafeName says why a zip entry name could write or read outside the
// folder it is extracted to, or "" when it is a plain relative path.
func unsafeName(n string) string {
	switch {
	case n == "":
		return "is empty"
	case strings.Contains(n, `\`):
		return "holds a backslash"
	case strings.HasPrefix(n, "/"):
		return "is absolute"
	case len(n) > 1 && n[1] == ':':
		return "names a drive"
	case strings.ContainsRune(n, 0):
		return "holds a NUL"
	}
	for _, seg := range strings.Split(strings.TrimSuffix(n, "/"), "/") {
		if seg == ".." || seg == "." || seg == "" {
			return "has a '" + seg + "' segment"
		}
	}
	return ""
}

// has reports whether rel names a file of the source.
func (s *source) has(rel string) bool {
	i := sort.SearchStrings(s.list, rel)
	return i < len(s.list) && s.list[i] == rel
}

// readFile returns one file's bytes, bounded like the zip's.
func (s *source) readFile(rel string) ([]byte, error) {
	if s.dir == "" {
		b, ok := s.files[rel]
		if !ok {
			return nil, fmt.Errorf("%s: no %s", s.name, rel)
		}
		return b, nil
	}
	f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", s.display(rel), MaxFileBytes)
	}
	s.read += int64(len(b))
	if s.read > MaxTotalBytes {
		return nil, fmt.Errorf("%s: more than %d bytes read", s.name, MaxTotalBytes)
	}
	return b, nil
}

// display is how notes name a file of the source: the real path for a
// folder, zip!entry for a zip.
func (s *source) display(rel string) string {
	if s.dir != "" {
		return filepath.Join(s.dir, filepath.FromSlash(rel))
	}
	return s.name + "!" + rel
}

// under lists the files below folder dir (slash path, "" for the root).
func (s *source) under(dir string) []string {
	var out []string
	prefix := dir
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	for _, f := range s.list {
		if strings.HasPrefix(f, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// projectRoots finds the API projects in the source: every folder holding
// api.yaml / api.json (API-M 4.x) or Meta-information/api.yaml|json (3.x).
func (s *source) projectRoots() []string {
	seen := map[string]bool{}
	var roots []string
	for _, f := range s.list {
		base := path.Base(f)
		if base != "api.yaml" && base != "api.json" {
			continue
		}
		dir := path.Dir(f)
		if path.Base(dir) == "Meta-information" {
			dir = path.Dir(dir)
		}
		if dir == "." {
			dir = ""
		}
		if !seen[dir] {
			seen[dir] = true
			roots = append(roots, dir)
		}
	}
	return roots
}
