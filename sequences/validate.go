package sequences

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IsSequenceFile reports whether a directory entry name is a sequence file
// as WSO2 deploys them: "*.xml", not hidden. Editor leftovers (".x.swp",
// "x.xml~"), Synapse backups ("x.xml.back") and Kubernetes' "..data" entries
// do not count.
func IsSequenceFile(name string) bool {
	return strings.HasSuffix(name, ".xml") && !strings.HasPrefix(name, ".")
}

// ValidatePath checks a sequence file, or every sequence file (.xml) and
// API-M 4.x operation policy template (.j2, rendered from its spec's
// defaults as a deployed one is) under a folder (recursively), the way
// deployment would: each file compiles, and
// the files of one folder (one tenant's sequences folder) claim distinct
// names and form no reference cycle. It returns every error found, nil when
// all is well.
func ValidatePath(path string) []error {
	errs, _ := CheckPath(path)
	return errs
}

// CheckPath is ValidatePath that also returns the warnings (references to
// sequences that are not deployed, ignored attributes).
func CheckPath(path string) (errs []error, warnings []string) {
	groups, err := collect(path)
	if err != nil {
		return []error{err}, nil
	}
	for _, files := range groups {
		e, w := checkFolder(files)
		errs = append(errs, e...)
		warnings = append(warnings, w...)
	}
	return errs, warnings
}

// collect lists the sequence files under path grouped by folder, in lexical
// order. A file named explicitly counts whatever its name.
func collect(path string) ([][]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	if !info.IsDir() {
		return [][]string{{path}}, nil
	}
	byDir := map[string][]string{}
	var dirs []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(IsSequenceFile(d.Name()) || IsPolicyTemplate(d.Name())) {
			return nil
		}
		dir := filepath.Dir(p)
		if _, ok := byDir[dir]; !ok {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	groups := make([][]string, 0, len(dirs))
	for _, d := range dirs {
		groups = append(groups, byDir[d])
	}
	return groups, nil
}

// checkFolder compiles and links the files of one folder.
func checkFolder(files []string) (errs []error, warnings []string) {
	entries := make([]Entry, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			entries = append(entries, Entry{File: f, Err: err})
			continue
		}
		seq, err := Compile(f, data)
		entries = append(entries, Entry{File: f, Seq: seq, Err: err})
	}
	_, reports := Build(entries)
	for _, r := range reports {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
		warnings = append(warnings, r.Warnings...)
	}
	return errs, warnings
}
