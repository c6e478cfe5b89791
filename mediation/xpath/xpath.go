package xpath

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// Expr is a compiled Synapse XPath: XPath 1.0 (antchfx/xpath) over the
// payload as a SOAP envelope, plus Synapse's variables and functions,
// rewritten at compile time into references to virtual nodes (see
// xpathRewrite). Evaluation computes those values, then runs the compiled
// expression; nothing is compiled per request.
//
// An antchfx *xpath.Expr is not safe for concurrent use: its query nodes
// keep iterator state (Evaluate runs the shared query; even the clone a
// node-set result iterates shares the predicates), so two requests
// evaluating one Expr at once get each other's nodes, wrong booleans,
// nil-pointer panics or a query that never ends. Each evaluation
// therefore takes an Expr of its own from pool and gives it back once the
// result, node iterator included, is consumed. The pool's first Expr is the
// one compiled (and so validated) at deploy time, handed out by New rather
// than Put at deploy time, so that 10,000 deployed expressions do not each
// allocate the pool's per-P arrays before their first request. Later, when
// the pool is empty, New compiles the same rewritten source again, which
// cannot fail.
type Expr struct {
	src       string
	pool      sync.Pool // of *xpath.Expr, one per concurrent evaluation
	names     []string  // virtual attribute names, one per slot
	slots     []xslot
	needsBody bool
	nodeTest  bool       // the source mentions node(): Synapse then serializes a single element
	path      *ChildPath // a plain child path a PathEnv may answer without the tree (childpath.go), or nil
}

// defaultXPathNS are prefixes bound when the configuration does not
// declare them, so the usual /soapenv:Envelope/soapenv:Body paths work.
var defaultXPathNS = map[string]string{"soapenv": soap11NS}

// Compile compiles a Synapse XPath at deploy time; ns are the prefixes the
// configuration declares (soapenv is bound when it does not). The error
// names what is wrong: a syntax error, an unknown variable or scope, an
// unsupported Synapse function.
func Compile(src string, ns map[string]string) (*Expr, error) {
	x, err := compileXPathDepth(strings.TrimSpace(src), ns, 0)
	if err != nil {
		return nil, err
	}
	x.src = src
	return x, nil
}

func compileXPathDepth(s string, ns map[string]string, depth int) (*Expr, error) {
	if s == "" {
		return nil, errors.New("empty xpath expression")
	}
	toks, err := lexXPath(s)
	if err != nil {
		return nil, fmt.Errorf("xpath: %w", err)
	}
	r := &xpathRewrite{src: s, toks: toks, ns: ns, depth: depth}
	if err := r.run(); err != nil {
		return nil, fmt.Errorf("xpath: %w", err)
	}
	rewritten, nsAll := r.out.String(), withDefaultNS(ns)
	e, err := xpath.CompileWithNS(rewritten, nsAll)
	if err != nil {
		return nil, fmt.Errorf("xpath: %w", err)
	}
	x := &Expr{src: s, slots: r.slots, needsBody: r.needsBody,
		nodeTest: strings.Contains(s, "node()")}
	seed := &atomic.Pointer[xpath.Expr]{}
	seed.Store(e)
	x.pool.New = func() any {
		if e := seed.Swap(nil); e != nil {
			return e
		}
		e, err := xpath.CompileWithNS(rewritten, nsAll)
		if err != nil { // compiled once above: unreachable
			panic(fmt.Sprintf("xpath %s: recompiling %q: %v", s, rewritten, err))
		}
		return e
	}
	if len(r.slots) == 0 {
		x.path = compileChildPath(toks, nsAll)
	}
	for i := range r.slots {
		x.names = append(x.names, slotName(i))
	}
	return x, nil
}

func withDefaultNS(ns map[string]string) map[string]string {
	out := make(map[string]string, len(ns)+len(defaultXPathNS))
	for k, v := range defaultXPathNS {
		out[k] = v
	}
	for k, v := range ns {
		if k != "" { // a default namespace does not apply to XPath names
			out[k] = v
		}
	}
	return out
}

// acquire takes an Expr for one evaluation; the caller defers
// x.done(e, &err), and consumes any *xpath.NodeIterator that e.Evaluate
// returns before it returns.
func (x *Expr) acquire() *xpath.Expr { return x.pool.Get().(*xpath.Expr) }

// done ends an evaluation: it turns a panic of antchfx (evaluating or
// iterating) into an error, and gives e back to the pool unless it
// panicked, since e's query state is then unknown.
func (x *Expr) done(e *xpath.Expr, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("xpath %s: evaluation failed: %v", x.src, p)
		return
	}
	x.pool.Put(e)
}

// nav is the navigator one evaluation runs on: Synapse's values of this
// request in the virtual attributes, and the payload when it is read.
// Evaluate on it returns bool, float64, string or *xpath.NodeIterator.
func (x *Expr) nav(env Env) (*synNav, error) {
	nav := &synNav{attr: -1, st: &navState{names: x.names}}
	if len(x.slots) > 0 {
		nav.st.vals = make([]string, len(x.slots))
		for i, s := range x.slots {
			nav.st.vals[i] = s.value(env)
		}
	}
	if x.needsBody {
		doc, err := env.XMLPayload()
		if err != nil {
			return nil, fmt.Errorf("xpath %s: %w", x.src, err)
		}
		nav.in = xmlquery.CreateXPathNavigator(doc)
		nav.in.MoveToChild() // Synapse's context node is the envelope
	}
	return nav, nil
}

// String is Synapse's stringValueOf.
func (x *Expr) String(env Env) (_ string, err error) {
	if x.path != nil {
		if pe, ok := env.(PathEnv); ok {
			if v, ok := pe.ChildPathString(x.path); ok {
				return v, nil
			}
		}
	}
	nav, err := x.nav(env)
	if err != nil {
		return "", err
	}
	e := x.acquire()
	defer x.done(e, &err)
	switch v := e.Evaluate(nav).(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return formatXPathNumber(v), nil
	case *xpath.NodeIterator:
		return x.nodeSetString(v), nil
	}
	return "", nil
}

// Bool is XPath's boolean().
func (x *Expr) Bool(env Env) (_ bool, err error) {
	if x.path != nil {
		if pe, ok := env.(PathEnv); ok {
			if v, ok := pe.ChildPathBool(x.path); ok {
				return v, nil
			}
		}
	}
	nav, err := x.nav(env)
	if err != nil {
		return false, err
	}
	e := x.acquire()
	defer x.done(e, &err)
	switch v := e.Evaluate(nav).(type) {
	case string:
		return v != "", nil
	case bool:
		return v, nil
	case float64:
		return v != 0 && !math.IsNaN(v), nil
	case *xpath.NodeIterator:
		return v.MoveNext(), nil
	}
	return false, nil
}

// NeedsBody reports whether evaluation reads the payload.
func (x *Expr) NeedsBody() bool { return x.needsBody }

// Source is the expression as written.
func (x *Expr) Source() string { return x.src }

// ChildPath is the plain child path the expression is, or nil when it is
// anything else (see PathEnv).
func (x *Expr) ChildPath() *ChildPath { return x.path }

// formatXPathNumber renders a number as XPath's string(): integers without
// a fraction, never an exponent.
func formatXPathNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == math.Trunc(f) && math.Abs(f) < 1e18:
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
