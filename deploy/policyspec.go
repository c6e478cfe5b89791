package deploy

import (
	"os"
	"strings"
	"time"

	"github.com/seqgate/seqgate/sequences"
)

// isPolicySpec: a .yaml/.yml/.json file in a sequences folder may be the
// spec of an operation policy template, so its change triggers a rescan
// (a seqgate test file, *.test.yaml, triggers one too, which is harmless).
func isPolicySpec(name string) bool {
	return !strings.HasPrefix(name, ".") &&
		(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json"))
}

// specState is what was seen of a template's spec files: size and mtime
// of each (zero when absent).
type specState [3]struct {
	size  int64
	mtime time.Time
}

// templateSpecs, called before a rescan (record false), flags the .j2
// files whose spec changed since it was last recorded, so the rescan
// recompiles them though the template itself is unchanged; called after
// the rescan (record true) it records the specs the templates were just
// compiled with (under t.mu).
func (t *tenant) templateSpecs(record bool) {
	if t.specs == nil {
		t.specs = map[string]specState{}
	}
	seen := map[string]bool{}
	for _, f := range t.seq.files {
		if !sequences.IsPolicyTemplate(f.name) {
			continue
		}
		seen[f.path] = true
		var st specState
		for i, p := range sequences.PolicySpecPaths(f.path) {
			if fi, err := os.Stat(p); err == nil {
				st[i].size, st[i].mtime = fi.Size(), fi.ModTime()
			}
		}
		if !record {
			if prev, ok := t.specs[f.path]; ok && prev != st {
				f.stale = true
			}
			continue
		}
		t.specs[f.path] = st
	}
	if !record {
		return
	}
	for p := range t.specs {
		if !seen[p] {
			delete(t.specs, p)
		}
	}
}
