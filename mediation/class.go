package mediation

import "fmt"

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

var classReg = &names[ClassFactory]{kind: "class mediator", m: map[string]ClassFactory{},
	empty: "mediation: RegisterClass with empty class name or nil factory"}

// RegisterClass makes a Go mediator available to <class name="..."/> under
// the fully qualified Java class name it replaces. Class mediators are
// compiled into the binary (no plug-ins), so a sequence written for WSO2
// keeps its class name and runs the Go version. It panics on an empty or
// duplicate name, like Register: both are programming errors.
func RegisterClass(name string, f ClassFactory) { classReg.add(name, f, f == nil) }

// LookupClass returns the factory registered for a class name.
func LookupClass(name string) (ClassFactory, bool) { return classReg.lookup(name) }

// RegisteredClasses lists the registered class names, sorted.
func RegisteredClasses() []string { return classReg.sorted() }

// UnknownClassError is the deploy error text for a class nobody registered.
func UnknownClassError(name string) string {
	return fmt.Sprintf("unknown class mediator %q: register a Go mediator with mediation.RegisterClass, or load a WebAssembly module with name=\"wasm:KEY\" (README: Custom mediators in WebAssembly)", name)
}
