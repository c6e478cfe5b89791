package mediation

import (
	"fmt"
	"sort"
	"sync"

	"github.com/beevik/etree"
)

// Factory compiles one mediator element at deploy time. It reports problems
// with c.Errorf(el, ...) so that every error carries file and line.
type Factory func(el *etree.Element, c *Compiler) (Mediator, error)

// names is a registry of factories by name, filled by init functions and
// read at deploy time: the mediator elements (Register) and the class
// mediators (RegisterClass) are two of them.
type names[F any] struct {
	kind  string // "mediator", "class mediator": for the panic text
	empty string // the panic text for an empty name or nil factory
	mu    sync.RWMutex
	m     map[string]F
}

// add registers f under name; it panics on an empty name, a nil factory
// or a duplicate (programming errors that must fail at start-up).
func (r *names[F]) add(name string, f F, isNil bool) {
	if name == "" || isNil {
		panic(r.empty)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.m[name]; dup {
		panic(fmt.Sprintf("mediation: %s %q registered twice", r.kind, name))
	}
	r.m[name] = f
}

func (r *names[F]) lookup(name string) (F, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.m[name]
	return f, ok
}

// sorted lists the registered names, sorted.
func (r *names[F]) sorted() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.m))
	for n := range r.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var registry = &names[Factory]{kind: "mediator", m: map[string]Factory{},
	empty: "mediation: Register with empty element name or nil factory"}

// Register makes a mediator available under its XML element name (local name,
// in the Synapse namespace or in none). It panics on an empty or duplicate
// name: both are programming errors that must fail at start-up, never at
// request time. Call it from an init function, one line per mediator.
func Register(element string, f Factory) { registry.add(element, f, f == nil) }

// Lookup returns the factory registered for element.
func Lookup(element string) (Factory, bool) { return registry.lookup(element) }

// Registered lists the registered element names, sorted.
func Registered() []string { return registry.sorted() }
