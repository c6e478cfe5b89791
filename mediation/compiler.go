package mediation

import (
	"errors"
	"fmt"
	"sort"
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

	// Links is state mediators of one file share while it compiles:
	// a clone or iterate finds the timeout of the aggregate with its id
	// there (filled in before the first request, read-only after).
	Links map[string]any

	resolving []string // resource keys being compiled, outermost first (cycle guard)

	// collect and errs: see CollectErrors.
	collect bool
	errs    []*CompileError
}

// MaxReportedErrors caps how many errors of one file CompileErrors.Error
// lists; the rest are counted ("and N more"), so a file broken everywhere
// does not flood the log or the admin status.
const MaxReportedErrors = 20

// errReported is what List returns, in collecting mode, when a child failed:
// the failure is already in Compiler.errs, and the factories up the chain
// only need to know to give up on their own element.
var errReported = errors.New("mediator errors reported")

// Reported tells a factory compiling several branches (<then>/<else>,
// switch cases) that err is already collected: it may compile its other
// branches so their errors are reported too, and return err at the end.
func Reported(err error) bool { return errors.Is(err, errReported) }

// CollectErrors makes List keep going after a mediator fails to compile,
// so one deploy reports every bad mediator and expression of a file instead
// of the first only (an operator fixing a file sees all of it at once).
// Errs then returns what was collected. Inside a resource (InResource)
// List still stops at the first error: InResource reports it as one error
// of the referencing element.
func (c *Compiler) CollectErrors() { c.collect = true }

// Errs folds err, as returned by the compile of a file in collecting mode,
// into one error: nil when there is none, the *CompileError itself when
// there is one, else CompileErrors in document (line) order.
func (c *Compiler) Errs(err error) error {
	if err != nil && !errors.Is(err, errReported) {
		c.addErr(err, nil)
	}
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		return c.errs[0]
	}
	out := append(CompileErrors(nil), c.errs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// addErr adds err to the collected errors, giving a plain factory error
// the position of el.
func (c *Compiler) addErr(err error, el *etree.Element) {
	var ce *CompileError
	if !errors.As(err, &ce) {
		ce = &CompileError{File: c.File, Line: c.Line(el), Msg: err.Error(), Err: err}
		if el != nil {
			ce.Element = el.Tag
		}
	}
	c.errs = append(c.errs, ce)
}

// CompileErrors is every error of one file, in document order. Error lists
// them one a line, at most MaxReportedErrors; errors.As finds the first
// *CompileError, so callers that want one position still get one.
type CompileErrors []*CompileError

func (es CompileErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == MaxReportedErrors {
			fmt.Fprintf(&b, "\nand %d more", len(es)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is and errors.As see each error.
func (es CompileErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
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
		// A near name is a typo (<propery>); a far one is most likely a
		// Synapse mediator seqgate does not implement (<iterate>).
		if s := suggestMediator(el.Tag); s != "" {
			return nil, c.Errorf(el, "unknown mediator <%s>; did you mean <%s>?", el.Tag, s)
		}
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
	failed := false
	for _, ch := range el.ChildElements() {
		if ch.Tag == "description" && IsSynapse(ch) || contains(skip, ch.Tag) {
			continue
		}
		m, err := c.Mediator(ch)
		if err != nil {
			if !c.collect || len(c.resolving) > 0 {
				return nil, err
			}
			if !errors.Is(err, errReported) {
				c.addErr(err, ch)
			}
			failed = true
			continue
		}
		out = append(out, m)
		lines = append(lines, Source{Tag: ch.Tag, Line: c.Line(ch)})
	}
	if failed {
		return nil, errReported
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
