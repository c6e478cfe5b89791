package mediation

import "fmt"

// Source is where a compiled mediator came from: its element name and the
// line of its start tag (0 when the compiler had no line map).
type Source struct {
	Tag  string
	Line int
}

// Sources maps a slot of a compiled List to its Source. The key is the
// address of the slot in the list's backing array, which never changes
// once compiled: mediators stay plain values (no wrapper, no extra call on
// the request path), any mediator type works as a key, and the map lives
// and dies with the sequence that holds it (no global table growing with
// every reload). Only a traced request reads it.
type Sources map[*Mediator]Source

// record notes the sources of a freshly compiled list: one map entry per
// mediator, at deploy time.
func (c *Compiler) record(l List, src []Source) {
	if len(l) == 0 {
		return
	}
	if c.Sources == nil {
		c.Sources = make(Sources)
	}
	for i := range l {
		c.Sources[&l[i]] = src[i]
	}
}

// lookup returns the source of slot m, or a name made from its Go type
// when the list was not built by Compiler.List (a test, a class mediator).
func (s Sources) lookup(m *Mediator) Source {
	if src, ok := s[m]; ok {
		return src
	}
	return Source{Tag: fmt.Sprintf("%T", *m)}
}
