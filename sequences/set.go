package sequences

import "github.com/seqgate/seqgate/mediation"

// Set is a tenant's deployed sequences, immutable once built: a reload
// builds a new Set (Build, link.go) and publishes it whole, so a request
// holding a Set never sees a mix of two versions. A nil *Set behaves as an
// empty one.
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
