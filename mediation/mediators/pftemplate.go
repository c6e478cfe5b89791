package mediators

import (
	"strconv"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/bytebufferpool"
)

// template is a payloadFactory format split at deploy time: lits[i] is
// written, then argument slots[i], ..., then the last literal. Synapse
// replaces \$(\d+); a number with no argument stays as written (Synapse
// logs a mismatch and leaves the rest of the format untouched), and a "$"
// not followed by digits is plain text.
type template struct {
	lits  []string // len(slots)+1
	slots []int    // 0-based argument index
}

func splitTemplate(s string, nargs int) template {
	var t template
	start := 0 // start of the current literal
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[i+1 : j])
		if err != nil || n < 1 || n > nargs {
			continue
		}
		t.lits = append(t.lits, s[start:i])
		t.slots = append(t.slots, n-1)
		start = j
		i = j - 1
	}
	t.lits = append(t.lits, s[start:])
	return t
}

func (t *template) render(buf *bytebufferpool.ByteBuffer, mc *mediation.MessageContext, p *payloadFactory) error {
	for i, slot := range t.slots {
		buf.B = append(buf.B, t.lits[i]...)
		if err := p.writeArg(buf, mc, slot); err != nil {
			return err
		}
	}
	buf.B = append(buf.B, t.lits[len(t.lits)-1]...)
	return nil
}

// pfArg is one <arg>: a literal value (already escaped for the media type)
// or an expression, whose result is classified per request.
type pfArg struct {
	value    string
	expr     mediation.Expression
	jsonPath bool // evaluator="json" or json-eval(...)
	literal  bool // literal="true": always a plain string
}

// argKind is what an argument's result is taken for (Synapse's
// inferReplacementType).
type argKind uint8

const (
	kindString argKind = iota
	kindXML
	kindJSON
)

// kind classifies v: JSON when a JSONPath (or ${...}) result is an object
// or array (structured, from mediation.JSONString), XML from an XPath, or a
// plain string. Synapse's isJson only looks at the first character, so a
// string result starting with '{' went in raw: JSON injection (issue 13).
func (a *pfArg) kind(v string, structured bool) argKind {
	switch {
	case a.literal:
		return kindString
	case a.jsonPath:
		if structured {
			return kindJSON
		}
	case looksXML(v):
		return kindXML
	}
	return kindString
}

// insertValue appends v to b for the media type: raw when it is already of
// the template's kind (XML in xml, JSON in json) or the template is text,
// escaped otherwise. Synapse converts XML results into JSON templates and
// JSON results into XML templates; we insert those escaped, as strings.
func insertValue(b []byte, media mediaType, kind argKind, v string) []byte {
	switch {
	case media == mediaText,
		media == mediaXML && kind == kindXML,
		media == mediaJSON && kind == kindJSON:
		return append(b, v...)
	case media == mediaJSON:
		return appendJSONEscaped(b, v)
	}
	return appendXMLEscaped(b, v)
}

func compileArgs(el *etree.Element, c *mediation.Compiler, media mediaType) ([]pfArg, error) {
	argsEl := synapseChild(el, "args")
	if argsEl == nil {
		return nil, nil
	}
	var args []pfArg
	for _, a := range argsEl.ChildElements() {
		if a.Tag != "arg" {
			return nil, c.Errorf(a, "unexpected element in <args>; want <arg>")
		}
		arg, err := compileArg(a, c, media)
		if err != nil {
			return nil, err
		}
		args = append(args, arg)
	}
	return args, nil
}

func compileArg(el *etree.Element, c *mediation.Compiler, media mediaType) (pfArg, error) {
	var a pfArg
	var err error
	if a.literal, err = boolAttr(el, c, "literal", false); err != nil {
		return a, err
	}
	eval, _ := mediation.Attr(el, "evaluator")
	if eval != "" && eval != "xml" && eval != "json" {
		return a, c.Errorf(el, "invalid evaluator %q; want xml or json", eval)
	}
	_, hasVal := mediation.Attr(el, "value")
	if src, ok := mediation.Attr(el, "expression"); ok && eval == "json" && !hasVal {
		return compileJSONArg(el, c, a, src)
	}
	v, ok, err := compileValueOrExpr(el, c)
	switch {
	case err != nil:
		return a, err
	case !ok:
		return a, c.Errorf(el, "either value or expression is required")
	case v.expr == nil:
		a.value = string(insertValue(nil, media, literalKind(v.value), v.value))
		return a, nil
	}
	a.jsonPath = strings.HasPrefix(strings.TrimSpace(v.expr.Source()), "json-eval(")
	a.expr = v.expr
	return a, nil
}

// compileJSONArg compiles an evaluator="json" expression: there a bare path
// ($.x) is JSONPath without the json-eval( wrapper Synapse needs elsewhere.
func compileJSONArg(el *etree.Element, c *mediation.Compiler, a pfArg, src string) (pfArg, error) {
	t := strings.TrimSpace(src)
	if !strings.HasPrefix(t, "json-eval(") && !strings.HasPrefix(t, "${") {
		src = "json-eval(" + t + ")"
	}
	e, err := c.ExprString(el, "expression", src)
	if err != nil {
		return a, err
	}
	a.expr, a.jsonPath = e, true
	return a, nil
}

// literalKind: a literal value that is well-formed XML goes into an XML
// template as XML; anything else is a string.
func literalKind(v string) argKind {
	if looksXML(v) {
		return kindXML
	}
	return kindString
}
