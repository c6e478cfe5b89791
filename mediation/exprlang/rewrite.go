package exprlang

import (
	"fmt"
	"strconv"
	"strings"
)

// synRewrite maps Synapse expression syntax onto expr-lang at compile time:
// payload and $ become sgPayload(sgmc), headers.X / var.x / props.scope.x /
// params.queryParams.q become lookup functions on the MessageContext (so
// nothing is built per request that the expression does not read), Synapse
// function names become their sg* implementations, member access becomes
// optional chaining (a missing member is null, not an error) and null nil.
type synRewrite struct {
	src     string
	toks    []etok
	out     strings.Builder
	closers []string // what each open '[' or '(' closes with
	payload bool
}

// propScopes maps props.<scope> to a property scope.
var propScopes = map[string]string{
	"synapse": scopeDefault, "default": scopeDefault, "axis2": scopeAxis2,
	"transport": scopeTransport, "operation": scopeOperation,
}

// exprPredicates are expr-lang's iterating builtins, parsed by its parser
// itself (DisableAllBuiltins does not remove them). Synapse has none, and
// nested over a payload they would loop without bound.
var exprPredicates = map[string]bool{
	"all": true, "none": true, "any": true, "one": true, "filter": true, "map": true, "count": true,
	"sum": true, "find": true, "findIndex": true, "findLast": true, "findLastIndex": true,
	"groupBy": true, "sortBy": true, "reduce": true,
}

func (r *synRewrite) run() error {
	last := 0
	for i := 0; i < len(r.toks); {
		t := r.toks[i]
		r.out.WriteString(r.src[last:t.start])
		next, err := r.token(i)
		if err != nil {
			return err
		}
		last = r.toks[next-1].end
		i = next
	}
	r.out.WriteString(r.src[last:])
	return nil
}

// token writes the translation of the construct at token i and returns the
// index after it.
func (r *synRewrite) token(i int) (int, error) {
	t := r.toks[i]
	switch {
	case t.kind == ekIdent && !r.afterDot(i):
		return r.ident(i)
	case t.kind == ekOp && t.text == "$":
		r.payload = true
		r.out.WriteString("sgPayload(sgmc)")
		return i + 1, nil
	case t.kind == ekOp && t.text == "." && r.memberDot(i):
		r.out.WriteString("?.")
		return i + 1, nil
	case t.kind == ekOp && (t.text == "[" || t.text == "("):
		r.closers = append(r.closers, map[string]string{"[": "]", "(": ")"}[t.text])
	case t.kind == ekOp && (t.text == "]" || t.text == ")"):
		if n := len(r.closers); n > 0 {
			r.out.WriteString(r.closers[n-1])
			r.closers = r.closers[:n-1]
			return i + 1, nil
		}
	}
	r.out.WriteString(t.text)
	return i + 1, nil
}

func (r *synRewrite) ident(i int) (int, error) {
	t := r.toks[i]
	switch t.text {
	case "payload":
		r.payload = true
		r.out.WriteString("sgPayload(sgmc)")
		return i + 1, nil
	case "null":
		r.out.WriteString("nil")
		return i + 1, nil
	case "headers":
		return r.keyed(i+1, `sgProp(sgmc, "transport", `, "headers")
	case "var":
		return r.keyed(i+1, `sgProp(sgmc, "default", `, "var")
	case "props", "properties":
		return r.scoped(i, propScopes, "props")
	case "params":
		return r.params(i)
	case "config", "registry", "secret", "xpath", "formatDateTime":
		return 0, fmt.Errorf("%s is not supported", t.text)
	}
	if exprPredicates[t.text] && r.is(i+1, "(") {
		return 0, fmt.Errorf("%s() is not a Synapse function", t.text)
	}
	if f, ok := synFuncNames[t.text]; ok && r.is(i+1, "(") {
		r.out.WriteString(f)
		return i + 1, nil
	}
	r.out.WriteString(t.text)
	return i + 1, nil
}

// keyed translates .name or [expr] after a lookup root into prefix "name")
// or prefix expr).
func (r *synRewrite) keyed(i int, prefix, what string) (int, error) {
	switch {
	case r.is(i, ".") && i+1 < len(r.toks) && r.toks[i+1].kind == ekIdent:
		r.out.WriteString(prefix + strconv.Quote(r.toks[i+1].text) + ")")
		return i + 2, nil
	case r.is(i, "["):
		r.out.WriteString(prefix)
		r.closers = append(r.closers, ")")
		return i + 1, nil
	}
	return 0, fmt.Errorf("%s needs a name (%s.name or %s[\"name\"])", what, what, what)
}

func (r *synRewrite) scoped(i int, scopes map[string]string, what string) (int, error) {
	if !r.is(i+1, ".") || i+2 >= len(r.toks) {
		return 0, fmt.Errorf("%s needs a scope (%s.synapse.name)", what, what)
	}
	scope, ok := scopes[r.toks[i+2].text]
	if !ok {
		return 0, fmt.Errorf("unknown scope %s.%s", what, r.toks[i+2].text)
	}
	return r.keyed(i+3, `sgProp(sgmc, "`+scope+`", `, what+"."+r.toks[i+2].text)
}

func (r *synRewrite) params(i int) (int, error) {
	if !r.is(i+1, ".") || i+2 >= len(r.toks) {
		return 0, fmt.Errorf("params needs a kind (params.queryParams.name)")
	}
	switch kind := r.toks[i+2].text; kind {
	case "queryParams":
		return r.keyed(i+3, `sgQuery(sgmc, `, "params.queryParams")
	case "uriParams", "pathParams":
		return r.keyed(i+3, `sgURIParam(sgmc, `, "params."+kind)
	default:
		return 0, fmt.Errorf("params.%s is not supported", kind)
	}
}

func (r *synRewrite) is(i int, op string) bool {
	return i < len(r.toks) && r.toks[i].kind == ekOp && r.toks[i].text == op
}

// afterDot: an identifier right after '.' is a member name, not a root.
func (r *synRewrite) afterDot(i int) bool {
	return i > 0 && r.is(i-1, ".") && r.toks[i-1].end == r.toks[i].start
}

// memberDot: a '.' between an operand and a name is member access.
func (r *synRewrite) memberDot(i int) bool {
	if i == 0 || i+1 >= len(r.toks) || r.toks[i+1].kind != ekIdent || r.is(i-1, "?") {
		return false
	}
	p := r.toks[i-1]
	return p.kind == ekIdent || p.kind == ekOp && (p.text == ")" || p.text == "]" || p.text == "$")
}
