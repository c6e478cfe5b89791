package sequences

import (
	"fmt"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/linkset"
)

// Set is a tenant's deployed sequences, immutable once built: a reload
// builds a new Set and publishes it whole, so a request holding a Set never
// sees a mix of two versions. A nil *Set behaves as an empty one.
type Set struct {
	byName map[string]*Sequence
	names  []string // sorted
	// readsBody holds the sequences that read or write the payload
	// themselves or through a sequence they reference (statically, or as
	// their onError handler): the gateway streams a body no sequence on
	// its path reads.
	readsBody map[string]bool
}

// Sequence returns the sequence called name as a mediation.Mediator, or a
// nil interface (never a typed nil) when the Set has none. It implements
// mediation.SequenceLookup and does not allocate.
func (s *Set) Sequence(name string) mediation.Mediator {
	if seq := s.Get(name); seq != nil {
		return seq
	}
	return nil
}

// Get returns the sequence called name, else the built-in one of that
// name (_sandbox_key_error_, _production_key_error_; defaults.go), or nil.
func (s *Set) Get(name string) *Sequence {
	if s == nil {
		return builtin(name, false)
	}
	if seq := s.byName[name]; seq != nil {
		return seq
	}
	return builtin(name, s.byName[FaultSequence] != nil)
}

// ReadsBody reports whether running the sequence called name may read or
// write the payload: it, or a sequence it references statically or as its
// onError handler, has a mediator that touches the body (Sequence.NeedsBody;
// a dynamic sequence key counts as touching it). False for a name the Set
// lacks.
func (s *Set) ReadsBody(name string) bool {
	if s == nil {
		return false
	}
	if seq := s.byName[name]; seq == nil && s.Get(name) != nil {
		return s.reads(name, map[string]bool{}) // a built-in one
	}
	return s.readsBody[name]
}

// reads is ReadsBody's walk; Build refuses cycles, seen guards anyway.
func (s *Set) reads(name string, seen map[string]bool) bool {
	seq := s.Get(name)
	if seq == nil || seen[name] {
		return false
	}
	if seq.NeedsBody {
		return true
	}
	seen[name] = true
	for _, ref := range seq.edges() {
		if s.reads(ref, seen) {
			return true
		}
	}
	return false
}

// Names lists the sequence names, sorted. The slice is shared: do not modify.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	return s.names
}

// Len is the number of sequences.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.names)
}

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
