package mediation

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// xpathExpr is a compiled Synapse XPath: XPath 1.0 (antchfx/xpath) over the
// payload as a SOAP envelope, plus Synapse's variables and functions,
// rewritten at compile time into references to virtual nodes (see
// xpathRewrite). Evaluation computes those values, then runs the compiled
// expression; nothing is compiled per request.
type xpathExpr struct {
	src       string
	expr      *xpath.Expr
	names     []string // virtual attribute names, one per slot
	slots     []xslot
	needsBody bool
	nodeTest  bool // the source mentions node(): Synapse then serializes a single element
}

// defaultXPathNS are prefixes bound when the configuration does not
// declare them, so the usual /soapenv:Envelope/soapenv:Body paths work.
var defaultXPathNS = map[string]string{"soapenv": SOAP11NS}

func compileXPath(src string, ns map[string]string) (Expression, error) {
	x, err := compileXPathDepth(strings.TrimSpace(src), ns, 0)
	if err != nil {
		return nil, err
	}
	x.src = src
	return x, nil
}

func compileXPathDepth(s string, ns map[string]string, depth int) (*xpathExpr, error) {
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
	e, err := xpath.CompileWithNS(r.out.String(), withDefaultNS(ns))
	if err != nil {
		return nil, fmt.Errorf("xpath: %w", err)
	}
	x := &xpathExpr{src: s, expr: e, slots: r.slots, needsBody: r.needsBody,
		nodeTest: strings.Contains(s, "node()")}
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

// eval runs the expression: bool, float64, string or *xpath.NodeIterator.
func (x *xpathExpr) eval(mc *MessageContext) (res any, err error) {
	nav := &synNav{attr: -1, st: &navState{names: x.names}}
	if len(x.slots) > 0 {
		nav.st.vals = make([]string, len(x.slots))
		for i, s := range x.slots {
			nav.st.vals[i] = s.value(mc)
		}
	}
	if x.needsBody {
		doc, err := mc.XMLPayload()
		if err != nil {
			return nil, fmt.Errorf("xpath %s: %w", x.src, err)
		}
		nav.in = xmlquery.CreateXPathNavigator(doc)
		nav.in.MoveToChild() // Synapse's context node is the envelope
	}
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("xpath %s: evaluation failed: %v", x.src, p)
		}
	}()
	return x.expr.Evaluate(nav), nil
}

// String is Synapse's stringValueOf.
func (x *xpathExpr) String(mc *MessageContext) (string, error) {
	v, err := x.eval(mc)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
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
func (x *xpathExpr) Bool(mc *MessageContext) (bool, error) {
	v, err := x.eval(mc)
	if err != nil {
		return false, err
	}
	switch v := v.(type) {
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

func (x *xpathExpr) NeedsBody() bool { return x.needsBody }
func (x *xpathExpr) Source() string  { return x.src }

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
