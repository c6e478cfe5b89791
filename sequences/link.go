package sequences

import (
	"fmt"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/linkset"
)

// Linking a tenant's compiled sequences into a Set, at deploy time; set.go
// is the Set as requests read it.

// Entry is one file offered to Build, in deploy order. Seq is the version
// to serve (nil when the file has none). Err, when set, is the reason the
// file's current content was refused; Seq may then be the previous version
// kept serving.
type Entry struct {
	File string
	Seq  *Sequence
	Err  error
}

// Report is what Build decided for one Entry.
type Report struct {
	Served   bool     // the entry's Seq is in the Set
	Err      error    // the entry's Err, or why Seq was refused (duplicate, cycle)
	Warnings []string // compile warnings and references to sequences the Set lacks
}

// Build links entries into a Set and returns one Report per entry (same
// index). Entries are taken in order: a name already claimed by an earlier
// entry refuses the later one with an error naming both files, and a
// sequence whose static references would close a cycle is refused with the
// path. A reference to a missing sequence is only a warning: WSO2 resolves
// keys at run time, and the run-time depth guard covers dynamic keys.
func Build(entries []Entry) (*Set, []Report) {
	in := make([]linkset.Entry[Sequence], len(entries))
	for i, e := range entries {
		in[i] = linkset.Entry[Sequence]{Item: e.Seq, Err: e.Err}
	}
	byName, names, linked := linkset.Build(seqKind, in)
	set := &Set{byName: byName, names: names, readsBody: make(map[string]bool)}
	for _, n := range set.names {
		if set.reads(n, map[string]bool{}) {
			set.readsBody[n] = true
		}
	}
	reports := make([]Report, len(entries))
	for i, e := range entries {
		reports[i] = Report{Served: linked[i].Served, Err: linked[i].Err}
		if e.Seq != nil {
			reports[i].Warnings = append(reports[i].Warnings, e.Seq.Warnings...)
		}
		if linked[i].Served {
			reports[i].Warnings = append(reports[i].Warnings, set.missingRefs(e.Seq)...)
		}
	}
	return set, reports
}

// seqKind links sequences by their static references (Sequence.edges).
var seqKind = linkset.Kind[Sequence]{
	Noun: "sequence",
	Name: func(s *Sequence) string { return s.Name },
	File: func(s *Sequence) string { return s.File },
	Refs: (*Sequence).edges,
	Fail: func(s *Sequence, msg string) error {
		return &mediation.CompileError{File: s.File, Line: s.Line, Element: "sequence", Msg: msg}
	},
}

// missingRefs warns about static references the Set cannot resolve now.
func (s *Set) missingRefs(seq *Sequence) []string {
	var out []string
	seen := map[string]bool{}
	for _, ref := range seq.edges() {
		if s.Get(ref) == nil && !seen[ref] {
			seen[ref] = true
			out = append(out, fmt.Sprintf("%s:%d: <sequence>: %q references sequence %q, which is not deployed (resolved at run time)",
				seq.File, seq.Line, seq.Name, ref))
		}
	}
	return out
}
