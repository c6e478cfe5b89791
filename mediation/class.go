package mediation

import (
	"fmt"
	"sort"
	"sync"
)

// ClassProperty is one <property name value|expression/> child of a
// <class> mediator: Synapse calls the Java setter once at deploy time with
// the literal, or hands the expression over for per-message evaluation.
// Exactly one of Value (with HasValue) and Expr is set.
type ClassProperty struct {
	Name     string
	Value    string
	HasValue bool
	Expr     Expression // compiled once; evaluate with Expr.String(mc)
}

// ClassFactory builds a Go stand-in for a Java class mediator when a
// sequence is deployed. An error is reported as a deploy error on the
// <class> element, so it should say which property is wrong.
type ClassFactory func(props []ClassProperty) (Mediator, error)

var (
	classMu  sync.RWMutex
	classReg = map[string]ClassFactory{}
)

// RegisterClass makes a Go mediator available to <class name="..."/> under
// the fully qualified Java class name it replaces. Class mediators are
// compiled into the binary (no plug-ins), so a sequence written for WSO2
// keeps its class name and runs the Go version. It panics on an empty or
// duplicate name, like Register: both are programming errors.
func RegisterClass(name string, f ClassFactory) {
	if name == "" || f == nil {
		panic("mediation: RegisterClass with empty class name or nil factory")
	}
	classMu.Lock()
	defer classMu.Unlock()
	if _, dup := classReg[name]; dup {
		panic(fmt.Sprintf("mediation: class mediator %q registered twice", name))
	}
	classReg[name] = f
}

// LookupClass returns the factory registered for a class name.
func LookupClass(name string) (ClassFactory, bool) {
	classMu.RLock()
	defer classMu.RUnlock()
	f, ok := classReg[name]
	return f, ok
}

// RegisteredClasses lists the registered class names, sorted.
func RegisteredClasses() []string {
	classMu.RLock()
	defer classMu.RUnlock()
	names := make([]string, 0, len(classReg))
	for n := range classReg {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// UnknownClassError is the deploy error text for a class nobody registered.
func UnknownClassError(name string) string {
	return fmt.Sprintf("unknown class mediator %q: register a Go mediator with mediation.RegisterClass", name)
}
