package endpoint

import (
	"fmt"
	"sort"

	"github.com/seqgate/seqgate/mediation"
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
// whose key references would close a cycle. References to missing
// endpoints are resolved at run time (error 305100 if still missing).
func Build(entries []Entry) (*Set, []Report) {
	reports := make([]Report, len(entries))
	s := &Set{byName: make(map[string]*Named, len(entries))}
	for i, e := range entries {
		reports[i].Err = e.Err
		if e.EP == nil {
			continue
		}
		if err := s.admit(e.EP); err != nil {
			if reports[i].Err == nil {
				reports[i].Err = err
			}
			continue
		}
		reports[i].Served = true
	}
	for n := range s.byName {
		s.names = append(s.names, n)
	}
	sort.Strings(s.names)
	return s, reports
}

func (s *Set) admit(n *Named) error {
	if prev := s.byName[n.Name]; prev != nil {
		return linkError(n, fmt.Sprintf("endpoint %q is already deployed from %s; refused from %s", n.Name, prev.File, n.File))
	}
	for _, ref := range n.Refs {
		if s.reaches(ref, n.Name, map[string]bool{}) {
			return linkError(n, fmt.Sprintf("endpoint reference cycle: %q references %q, which leads back to it", n.Name, ref))
		}
	}
	s.byName[n.Name] = n
	return nil
}

// reaches reports whether from references to (directly or not).
func (s *Set) reaches(from, to string, seen map[string]bool) bool {
	if from == to {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	if n := s.byName[from]; n != nil {
		for _, r := range n.Refs {
			if s.reaches(r, to, seen) {
				return true
			}
		}
	}
	return false
}

func linkError(n *Named, msg string) error {
	return &mediation.CompileError{File: n.File, Line: n.Line, Element: "endpoint", Msg: msg}
}
