package endpoint

import (
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/linkset"
)

// Named is one deployed <endpoint name="..."> file.
type Named struct {
	Name string
	File string
	Line int
	Refs []string // keys of other named endpoints it references
	EP   mediation.Endpoint
}

// Set is a tenant's deployed named endpoints, immutable once built (the
// deploy package publishes a new one on every change). A nil *Set is empty.
type Set struct {
	byName map[string]*Named
	names  []string
}

// Endpoint implements mediation.EndpointLookup; a nil interface when the
// Set has no such endpoint.
func (s *Set) Endpoint(name string) mediation.Endpoint {
	if n := s.Get(name); n != nil {
		return n.EP
	}
	return nil
}

// Get returns the named endpoint, or nil.
func (s *Set) Get(name string) *Named {
	if s == nil {
		return nil
	}
	return s.byName[name]
}

// Names lists the endpoint names, sorted; do not modify.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	return s.names
}

// Entry is one file offered to Build, in deploy order (see sequences.Entry).
type Entry struct {
	File string
	EP   *Named
	Err  error
}

// Report is Build's verdict on one Entry.
type Report struct {
	Served bool
	Err    error
}

// Build links entries into a Set: a name already claimed by an earlier
// entry is refused with an error naming both files, and so is an endpoint
// whose key references would close a cycle (the error gives the path, as
// for sequences: both use linkset). References to missing
// endpoints are resolved at run time (error 305100 if still missing).
func Build(entries []Entry) (*Set, []Report) {
	in := make([]linkset.Entry[Named], len(entries))
	for i, e := range entries {
		in[i] = linkset.Entry[Named]{Item: e.EP, Err: e.Err}
	}
	byName, names, linked := linkset.Build(namedKind, in)
	reports := make([]Report, len(entries))
	for i, r := range linked {
		reports[i] = Report{Served: r.Served, Err: r.Err}
	}
	return &Set{byName: byName, names: names}, reports
}

// namedKind links named endpoints by their key references (Named.Refs).
var namedKind = linkset.Kind[Named]{
	Noun: "endpoint",
	Name: func(n *Named) string { return n.Name },
	File: func(n *Named) string { return n.File },
	Refs: func(n *Named) []string { return n.Refs },
	Fail: func(n *Named, msg string) error {
		return &mediation.CompileError{File: n.File, Line: n.Line, Element: "endpoint", Msg: msg}
	},
}
