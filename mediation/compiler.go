package mediation

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// SynapseNS is the namespace of Synapse configuration elements. Elements in
// no namespace are accepted too: many published snippets omit it.
const SynapseNS = "http://ws.apache.org/ns/synapse"

// CompileError is a deploy-time error pointing at its source:
// "file:line: <element>: message".
type CompileError struct {
	File    string
	Line    int
	Element string
	Msg     string
	Err     error
}

func (e *CompileError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Element == "" {
		return loc + ": " + e.Msg
	}
	return fmt.Sprintf("%s: <%s>: %s", loc, e.Element, e.Msg)
}

func (e *CompileError) Unwrap() error { return e.Err }

// Compiler carries what factories need while one file is compiled: where
// elements come from (for errors), how to compile children and expressions,
// and which sequences the file references (for deploy-time linking).
type Compiler struct {
	File  string                 // file name used in errors
	Lines map[*etree.Element]int // element -> line, from a position pass; may be nil
	// Refs collects the static sequence keys referenced by <sequence key=>,
	// onError and similar, so the sequences package can check existence and
	// reject cycles when it builds a Set.
	Refs []string
	// NeedsBody is set by factories whose mediators read or write the payload.
	NeedsBody bool
	// Sources records the element and line of every mediator List compiles
	// (see Sources); nil until the first list, kept by the sequence.
	Sources Sources
	// Resolver resolves local-entry and registry keys (key= of <sequence>,
	// <endpoint>, payloadFactory <format>, <schema>, <script>) against the
	// tenant's snapshot; nil resolves nothing (plain keys then fall back to
	// deployed sequences and endpoints, gov:/conf: keys are refused).
	Resolver Resolver
	// Resources collects every key looked up through the Resolver, found or
	// not, so the deployer recompiles the file when one of them changes.
	Resources []string

	resolving []string // resource keys being compiled, outermost first (cycle guard)
}

// Line returns the source line of el, or 0 when unknown.
func (c *Compiler) Line(el *etree.Element) int {
	if c.Lines == nil || el == nil {
		return 0
	}
	return c.Lines[el]
}

// Errorf builds a CompileError for el.
func (c *Compiler) Errorf(el *etree.Element, format string, args ...any) error {
	var wrapped error
	for _, a := range args {
		if e, ok := a.(error); ok {
			wrapped = e
		}
	}
	name := ""
	if el != nil {
		name = el.Tag
	}
	return &CompileError{File: c.File, Line: c.Line(el), Element: name, Msg: fmt.Sprintf(format, args...), Err: wrapped}
}

// AddRef records a static reference to another sequence.
func (c *Compiler) AddRef(key string) { c.Refs = append(c.Refs, key) }

// IsSynapse reports whether el is in the Synapse namespace or in none.
func IsSynapse(el *etree.Element) bool {
	ns := el.NamespaceURI()
	return ns == "" || ns == SynapseNS
}

// Mediator compiles one mediator element through the registry.
func (c *Compiler) Mediator(el *etree.Element) (Mediator, error) {
	if !IsSynapse(el) {
		return nil, c.Errorf(el, "unsupported mediator (namespace %q)", el.NamespaceURI())
	}
	f, ok := Lookup(el.Tag)
	if !ok {
		return nil, c.Errorf(el, "unsupported mediator")
	}
	return f(el, c)
}

// List compiles the child elements of el as a mediator list. <description>
// children are documentation, not mediators, and are skipped; so are the
// names in skip (structural children such as <then> handled by the caller).
func (c *Compiler) List(el *etree.Element, skip ...string) (List, error) {
	var out List
	var lines []Source
	for _, ch := range el.ChildElements() {
		if ch.Tag == "description" && IsSynapse(ch) || contains(skip, ch.Tag) {
			continue
		}
		m, err := c.Mediator(ch)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
		lines = append(lines, Source{Tag: ch.Tag, Line: c.Line(ch)})
	}
	c.record(out, lines)
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Attr returns the value of an attribute without namespace, and whether it
// is present.
func Attr(el *etree.Element, name string) (string, bool) {
	for _, a := range el.Attr {
		if a.Key == name && a.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// Namespaces returns the prefix -> URI declarations in scope at el, used to
// compile XPath expressions the way Synapse does.
func Namespaces(el *etree.Element) map[string]string {
	ns := map[string]string{}
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "xmlns" {
				if _, seen := ns[a.Key]; !seen {
					ns[a.Key] = a.Value
				}
			}
		}
	}
	return ns
}

// Expr compiles the expression held in attribute attr of el. A missing
// attribute returns (nil, nil).
func (c *Compiler) Expr(el *etree.Element, attr string) (Expression, error) {
	src, ok := Attr(el, attr)
	if !ok {
		return nil, nil
	}
	return c.ExprString(el, attr, src)
}

// ExprString compiles src as an expression that appears in attribute attr of
// el; errors point at el and quote the expression.
func (c *Compiler) ExprString(el *etree.Element, attr, src string) (Expression, error) {
	if strings.TrimSpace(src) == "" {
		return nil, c.Errorf(el, "%s: empty expression", attr)
	}
	e, err := CompileExpression(src, Namespaces(el))
	if err != nil {
		return nil, c.Errorf(el, "%s=%q: %v", attr, src, err)
	}
	if err := c.checkRegistryRefs(el, attr, src); err != nil {
		return nil, err
	}
	if e.NeedsBody() {
		c.NeedsBody = true
	}
	return e, nil
}
