package mediation

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ohler55/ojg/jp"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// Valuer is implemented by expressions that have a typed result besides its
// string form: payloadFactory inserts a JSONPath object result as JSON, not
// as a quoted string. Value returns nil for no match.
type Valuer interface {
	Value(mc *MessageContext) (any, error)
}

// JSONString evaluates e once and returns its string value (what e.String
// gives) and whether the result is a JSON object or array. payloadFactory
// inserts only such a structured result raw into a JSON template: a string
// result is escaped even when its text looks like JSON, so a client string
// such as `{","admin":true,"x":"` stays one string and cannot add members
// to the backend's JSON. An expression without typed results (not JSONPath
// or ${...}) is structured only when its text is one complete JSON object
// or array.
func JSONString(e Expression, mc *MessageContext) (s string, structured bool, err error) {
	switch x := e.(type) {
	case *jsonPathExpr:
		if v, text, ok, err := x.rawLookup(mc, true); ok {
			if err != nil {
				return "", false, fmt.Errorf("json-eval(%s): %w", x.path, err)
			}
			if text != "" {
				return text, true, nil
			}
			return JSONText(v), false, nil
		}
		v, err := x.Value(mc)
		if err != nil {
			return "", false, err
		}
		if isStructured(v) {
			return x.orderedText(mc, v), true, nil
		}
		return JSONText(v), false, nil
	case *exprLang:
		v, _ := x.Value(mc)
		if v == nil {
			return "", false, nil
		}
		return x.text(mc, v), isStructured(v), nil
	}
	s, err = e.String(mc)
	if err != nil {
		return "", false, err
	}
	t := strings.TrimSpace(s)
	return s, t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)), nil
}

// isStructured: a JSON object or array as the JSON readers give them.
func isStructured(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// jsonPathExpr is json-eval(<path>): a Jayway-style JSONPath (ojg's jp)
// over the payload as JSON.
type jsonPathExpr struct {
	src  string
	path jp.Expr
	root bool   // the path is "$": the whole payload
	raw  string // gjson form of a simple path (see jsonpath_raw.go), or ""
}

// CompileJSONPath compiles a bare JSONPath such as "$.order.id", as
// payloadFactory's evaluator="json" arguments are written; a json-eval(...)
// wrapper is accepted too.
func CompileJSONPath(path string) (Expression, error) {
	s := strings.TrimSpace(path)
	if strings.HasPrefix(s, "json-eval(") && strings.HasSuffix(s, ")") {
		s = s[len("json-eval(") : len(s)-1]
	}
	return compileJSONPath(path, s)
}

func compileJSONPath(src, path string) (Expression, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil, fmt.Errorf("jsonpath: empty path")
	}
	x, err := ParseJSONPath(path)
	if err != nil {
		return nil, err
	}
	path = strings.TrimSuffix(path, ".")
	return &jsonPathExpr{src: src, path: x, root: path == "$", raw: rawJSONPath(path)}, nil
}

// ParseJSONPath parses a JSONPath as Synapse's SynapseJsonPath does: one
// trailing "." is dropped before the path is compiled, so "$." is the root
// (the whole payload) and "$.a." is "$.a". API-M's SOAP-to-REST template
// writes json-eval($.), which Jayway, like ojg, refuses as it stands.
func ParseJSONPath(path string) (jp.Expr, error) {
	p := strings.TrimSuffix(strings.TrimSpace(path), ".")
	x, err := jp.ParseString(p)
	if err != nil {
		return nil, fmt.Errorf("jsonpath %q: %w", path, err)
	}
	return x, nil
}

// Value is the match: the element itself for a single match, a []any for
// several, nil for none.
func (j *jsonPathExpr) Value(mc *MessageContext) (any, error) {
	if v, ok, err := j.rawValue(mc); ok {
		if err != nil {
			return nil, fmt.Errorf("json-eval(%s): %w", j.path, err)
		}
		return v, nil
	}
	doc, err := mc.JSON()
	if err != nil {
		return nil, fmt.Errorf("json-eval(%s): %w", j.path, err)
	}
	if j.root {
		return doc, nil
	}
	res := j.path.Get(doc)
	switch len(res) {
	case 0:
		return nil, nil
	case 1:
		return res[0], nil
	}
	return res, nil
}

// String is Synapse's stringValueOf for JSONPath: a primitive's plain text,
// an object's or array's JSON (members in the payload's order), and
// "null" when nothing matches.
func (j *jsonPathExpr) String(mc *MessageContext) (string, error) {
	v, err := j.Value(mc)
	if err != nil {
		return "", err
	}
	if isStructured(v) {
		return j.orderedText(mc, v), nil
	}
	return JSONText(v), nil
}

// Bool is true for a match that is not null, false, "" or empty.
func (j *jsonPathExpr) Bool(mc *MessageContext) (bool, error) {
	v, err := j.Value(mc)
	if err != nil {
		return false, err
	}
	switch v := v.(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	case string:
		return v != "", nil
	case []any:
		return len(v) > 0, nil
	}
	return true, nil
}

func (j *jsonPathExpr) NeedsBody() bool { return true }
func (j *jsonPathExpr) Source() string  { return j.src }

// JSONText renders a JSON value the way Synapse's JSONPath string value
// does (jsontext.Value: strings plain, integral numbers without a fraction,
// nil as "null", objects and arrays as compact JSON with sorted keys).
func JSONText(v any) string { return jsontext.Value(v) }

// orderedText writes v, the structured match of j, with its objects in the
// payload's order: the key order of the JSON body's text, or the document
// order of the XML payload it was converted from. The matches are found
// again as normalized paths (jp's Locate) and followed in the order
// source; a payload whose order cannot be read gives sorted keys.
func (j *jsonPathExpr) orderedText(mc *MessageContext, v any) string {
	src := PayloadOrder(mc)
	if src == nil || j.root {
		return string(AppendJSONOrdered(nil, v, src))
	}
	doc, err := mc.JSON()
	if err != nil {
		return JSONText(v)
	}
	locs := j.path.Locate(doc, 0)
	switch {
	case len(locs) == 1:
		return string(AppendJSONOrdered(nil, v, orderAt(src, locs[0])))
	case len(locs) > 1:
		if list, ok := v.([]any); ok && len(list) == len(locs) {
			subs := make(listOrder, len(locs))
			for i, l := range locs {
				subs[i] = orderAt(src, l)
			}
			return string(AppendJSONOrdered(nil, v, subs))
		}
	}
	return JSONText(v)
}

// StructuredText is v, an object or array e (a json-eval, or a ${...}
// payload path) gave, as JSON text with the payload's member order; ok is
// false for any other value or expression, whose text JSONText gives.
func StructuredText(e Expression, mc *MessageContext, v any) (text string, ok bool) {
	if !isStructured(v) {
		return "", false
	}
	switch x := e.(type) {
	case *jsonPathExpr:
		return x.orderedText(mc, v), true
	case *exprLang:
		if x.path != nil {
			return x.text(mc, v), true
		}
	}
	return "", false
}
