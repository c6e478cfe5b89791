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

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a mediator available under its XML element name (local name,
// in the Synapse namespace or in none). It panics on an empty or duplicate
// name: both are programming errors that must fail at start-up, never at
// request time. Call it from an init function, one line per mediator.
func Register(element string, f Factory) {
	if element == "" || f == nil {
		panic("mediation: Register with empty element name or nil factory")
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[element]; dup {
		panic(fmt.Sprintf("mediation: mediator %q registered twice", element))
	}
	registry[element] = f
}

// Lookup returns the factory registered for element.
func Lookup(element string) (Factory, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	f, ok := registry[element]
	return f, ok
}

// Registered lists the registered element names, sorted.
func Registered() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
