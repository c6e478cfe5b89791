package mediation

import (
	"regexp"
	"strings"
	"unsafe"

	"github.com/seqgate/seqgate/mediation/xpath"
)

// Expression is a compiled Synapse expression: XPath 1.0 with the Synapse
// functions and variables, JSONPath (json-eval(...)), or a ${...} Synapse
// expression on expr-lang. Compiled once at deploy time; evaluation never
// compiles.
type Expression interface {
	// String is Synapse's stringValueOf: the first node's text for a node
	// set, the JSON text for a JSONPath object result, "" for nothing.
	String(mc *MessageContext) (string, error)
	// Bool is Synapse's booleanValueOf (XPath boolean conversion).
	Bool(mc *MessageContext) (bool, error)
	// NeedsBody reports whether evaluation reads the payload.
	NeedsBody() bool
	// Source is the expression as written.
	Source() string
}

// CompileExpression picks the engine the way Synapse's SynapsePathFactory
// does: "json-eval(" is JSONPath, "${...}" is a Synapse expression, the rest
// is XPath. Property references that need no engine at all ($ctx:x,
// get-property('x'), $trp:x, ...) compile to a direct lookup.
func CompileExpression(src string, ns map[string]string) (Expression, error) {
	s := strings.TrimSpace(src)
	switch {
	case strings.HasPrefix(s, "json-eval(") && strings.HasSuffix(s, ")"):
		return compileJSONPath(src, s[len("json-eval("):len(s)-1])
	case strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}"):
		return compileExprLang(src, s[2:len(s)-1])
	}
	if e := compilePropertyRef(src, s); e != nil {
		return e, nil
	}
	return compileXPath(src, ns)
}

// propertyRef is the fast path for a bare property reference.
type propertyRef struct {
	src, scope, name string
}

var (
	varRef = regexp.MustCompile(`^\$(ctx|trp|axis2|url):([A-Za-z_][\w.\-]*)$`)
	getRef = regexp.MustCompile(`^get-property\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)$`)
)

func compilePropertyRef(src, s string) Expression {
	if m := varRef.FindStringSubmatch(s); m != nil {
		scope := map[string]string{"ctx": ScopeDefault, "trp": ScopeTransport, "axis2": ScopeAxis2, "url": "url"}[m[1]]
		return &propertyRef{src: src, scope: scope, name: m[2]}
	}
	if m := getRef.FindStringSubmatch(s); m != nil {
		if m[2] == "" {
			return &propertyRef{src: src, scope: ScopeDefault, name: m[1]}
		}
		if xpath.IsPropertyScope(m[1]) {
			return &propertyRef{src: src, scope: m[1], name: m[2]}
		}
	}
	return nil
}

func (p *propertyRef) String(mc *MessageContext) (string, error) {
	if p.scope == "url" {
		v, _ := mc.QueryParam(p.name)
		return v, nil
	}
	v, _ := mc.Property(p.scope, p.name)
	return v, nil
}

// QueryParam is the request URI's query parameter name, decoded ($url:name
// in XPath, params.queryParams.name in ${...}); ok is false when absent.
func (mc *MessageContext) QueryParam(name string) (v string, ok bool) {
	b := mc.Req.URI().QueryArgs().Peek(name)
	return string(b), b != nil
}

// StringView evaluates e for a use that ends before the message changes,
// such as matching it against a regex: a transport header ($trp:X,
// get-property('transport', 'X')) is then read in place instead of copied,
// which saved an allocation per filter and switch on headers. The result
// must not be kept.
func StringView(e Expression, mc *MessageContext) (string, error) {
	if p, ok := e.(*propertyRef); ok && p.scope == ScopeTransport {
		v := mc.HeaderBytes(p.name)
		return unsafe.String(unsafe.SliceData(v), len(v)), nil
	}
	return e.String(mc)
}

func (p *propertyRef) Bool(mc *MessageContext) (bool, error) {
	v, err := p.String(mc)
	return v != "", err
}

func (p *propertyRef) NeedsBody() bool { return false }
func (p *propertyRef) Source() string  { return p.src }
