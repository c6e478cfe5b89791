package seqtest

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Suffix names test files.
const Suffix = ".test.yaml"

// Find returns the test files under each path (a file is taken as is), in
// order. Hidden folders and folders named testdata are skipped below a
// path, as go test skips them: testdata holds fixtures, such as the
// intentionally failing files of this package's own tests, which
// `seqgate test` at a checkout's root must not run. Naming such a folder
// as a path runs it.
func Find(paths ...string) ([]string, error) {
	var out []string
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (p == root || strings.HasSuffix(d.Name(), Suffix)) {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// Run runs the test files under path from a Go test: each file a subtest,
// each case a subtest of it, failing with the case's mismatches.
func Run(t *testing.T, path string) {
	t.Helper()
	files, err := Find(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no %s files under %s", Suffix, path)
	}
	r := NewRunner(Options{})
	defer r.Close()
	for _, f := range files {
		name, err := filepath.Rel(path, f)
		if err != nil || name == "." {
			name = filepath.Base(f)
		}
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			rep, err := r.RunFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range rep.Cases {
				t.Run(c.Name, func(t *testing.T) {
					for _, l := range c.Failures {
						t.Error(l)
					}
				})
			}
		})
	}
}
