// Package lint warns about sequence constructs that compile but are
// probably mistakes, for `seqgate lint`. It reads the XML (etree, with the
// compiler's line map) rather than compiled sequences: findings point at
// source lines, and a file need not be deployable to be linted.
package lint

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Rule ids, as printed in brackets after each finding.
const (
	RuleUnreachable       = "unreachable"
	RulePropertyNeverSet  = "property-never-set"
	RuleSendInExtension   = "send-in-extension"
	RuleEmptyFilter       = "empty-filter"
	RuleLoopbackOnOutflow = "loopback-in-out-sequence"
	RuleExtensionName     = "extension-name"
)

// Finding is one suspicious construct.
type Finding struct {
	File    string
	Line    int
	Element string
	Rule    string
	Msg     string
}

// String is "file:line: <element>: message [rule]".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: <%s>: %s [%s]", f.File, f.Line, f.Element, f.Msg, f.Rule)
}

// file is one parsed sequence file.
type file struct {
	name  string
	root  *etree.Element
	lines map[*etree.Element]int
}

func (f *file) finding(el *etree.Element, rule, format string, args ...any) Finding {
	return Finding{File: f.name, Line: f.lines[el], Element: el.Tag, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// Paths lints files and folders (folders recursively). Rules that look
// across files (property-never-set) see every sequence file of a linted
// file's folder, the tenant's sequences, even when only one file was
// named. Findings come sorted by file, then line. The error reports a
// file or folder that cannot be read or parsed (all of them, joined); the findings of the
// others are still returned.
func Paths(paths []string) ([]Finding, error) {
	targets, err := collect(paths)
	errs := []error{err}
	var out []Finding
	folders := map[string][]*file{}
	for _, t := range targets {
		dir := filepath.Dir(t)
		if _, ok := folders[dir]; !ok {
			fs, ferr := loadFolder(dir)
			errs = append(errs, ferr)
			folders[dir] = fs
		}
		f, ferr := load(t)
		if ferr != nil {
			errs = append(errs, ferr)
			continue
		}
		out = append(out, lintFile(f, folders[dir])...)
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return out, errors.Join(errs...)
}

// lintFile runs every rule on f; folder is f's folder, f included.
func lintFile(f *file, folder []*file) []Finding {
	out := unreachable(f)
	out = append(out, neverSet(f, folder)...)
	out = append(out, sendInExtension(f)...)
	out = append(out, emptyFilter(f)...)
	out = append(out, extensionName(f)...)
	return append(out, loopbackInOut(f)...)
}

// collect expands paths into the sequence files to lint: a named file
// counts whatever its name, a folder contributes its sequence files.
func collect(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return out, fmt.Errorf("lint: %w", err)
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && sequences.IsSequenceFile(d.Name()) {
				add(q)
			}
			return err
		})
		if err != nil {
			return out, fmt.Errorf("lint: %w", err)
		}
	}
	return out, nil
}

// loadFolder parses the sequence files directly in dir; unreadable ones
// are left out (they are reported when linted themselves).
func loadFolder(dir string) ([]*file, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	var out []*file
	for _, e := range entries {
		if e.IsDir() || !sequences.IsSequenceFile(e.Name()) {
			continue
		}
		if f, err := load(filepath.Join(dir, e.Name())); err == nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// load parses one file with the compiler's bounds and line map.
func load(name string) (*file, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	doc, lines, err := mediation.ReadConfigFile(name, data, sequences.MaxFileSize, sequences.MaxDepth)
	if err != nil {
		return nil, err
	}
	root := doc.Root()
	if root == nil {
		return nil, &mediation.CompileError{File: name, Msg: "no <sequence> element found"}
	}
	return &file{name: name, root: root, lines: lines}, nil
}

// walk calls fn for el and every element under it, in document order.
func walk(el *etree.Element, fn func(*etree.Element)) {
	fn(el)
	for _, ch := range el.ChildElements() {
		walk(ch, fn)
	}
}
