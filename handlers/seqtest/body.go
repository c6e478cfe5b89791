package seqtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/ohler55/ojg/jp"
	"github.com/ohler55/ojg/oj"
	yaml "go.yaml.in/yaml/v3"
)

// BodyMatcher checks a body: as text (equals, contains, matches), by
// JSONPath (json: {path: value}) and by XPath (xpath: {expr: matcher}).
// Expressions are compiled when the file loads.
type BodyMatcher struct {
	Text  *Matcher // equals/contains/matches on the whole body
	JSON  []jsonCheck
	XPath []xpathCheck
}

// jsonCheck is one JSONPath: the value it must select (compared as JSON:
// 7 and 7.0 are equal, "7" is not), or a Matcher on its text.
type jsonCheck struct {
	path  string
	expr  jp.Expr
	value any
	match *Matcher
}

// xpathCheck is one XPath: a matcher on the string value of what it
// selects (the first node's text, or a number, string or boolean).
type xpathCheck struct {
	path  string
	expr  *xpath.Expr
	match Matcher
}

// UnmarshalYAML compiles the checks.
func (b *BodyMatcher) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&b.Text)
	}
	var raw struct {
		Equals   *string              `yaml:"equals"`
		Contains *string              `yaml:"contains"`
		Matches  *string              `yaml:"matches"`
		JSON     map[string]yaml.Node `yaml:"json"`
		XPath    map[string]Matcher   `yaml:"xpath"`
	}
	if err := decodeKnown(n, &raw); err != nil {
		return err
	}
	if raw.Equals != nil || raw.Contains != nil || raw.Matches != nil {
		text := yaml.Node{Kind: yaml.MappingNode, Line: n.Line}
		for _, kv := range [][2]*string{{ptr("equals"), raw.Equals}, {ptr("contains"), raw.Contains}, {ptr("matches"), raw.Matches}} {
			if kv[1] != nil {
				text.Content = append(text.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: *kv[0]},
					&yaml.Node{Kind: yaml.ScalarNode, Value: *kv[1], Style: yaml.DoubleQuotedStyle})
			}
		}
		b.Text = new(Matcher)
		if err := b.Text.UnmarshalYAML(&text); err != nil {
			return err
		}
	}
	for _, p := range sortedKeys(raw.JSON) {
		c, err := compileJSONCheck(p, raw.JSON[p])
		if err != nil {
			return err
		}
		b.JSON = append(b.JSON, c)
	}
	for _, p := range sortedKeys(raw.XPath) {
		e, err := xpath.Compile(p)
		if err != nil {
			return fmt.Errorf("line %d: xpath %q: %w", n.Line, p, err)
		}
		b.XPath = append(b.XPath, xpathCheck{path: p, expr: e, match: raw.XPath[p]})
	}
	return nil
}

func ptr(s string) *string { return &s }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func compileJSONCheck(p string, n yaml.Node) (jsonCheck, error) {
	e, err := jp.ParseString(p)
	if err != nil {
		return jsonCheck{}, fmt.Errorf("line %d: json path %q: %w", n.Line, p, err)
	}
	c := jsonCheck{path: p, expr: e}
	if isMatcherNode(&n) {
		c.match = new(Matcher)
		return c, c.match.UnmarshalYAML(&n)
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return c, fmt.Errorf("line %d: json path %q: %w", n.Line, p, err)
	}
	c.value, err = normalJSON(v)
	return c, err
}

// isMatcherNode reports whether a json: value is a Matcher mapping (all of
// its keys are matcher keys) rather than a JSON object to compare.
func isMatcherNode(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "equals", "contains", "matches", "absent":
		default:
			return false
		}
	}
	return true
}

// normalJSON round-trips v through encoding/json, so YAML and JSON values
// compare alike (numbers become float64, maps map[string]any).
func normalJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// check returns one line per failed check of body; field names the body
// ("body", "upstream.body").
func (b *BodyMatcher) check(field string, body []byte) []string {
	var out []string
	if b.Text != nil {
		if msg := b.Text.Check(string(body), true); msg != "" {
			out = append(out, field+": "+msg)
		}
	}
	if len(b.JSON) > 0 {
		out = append(out, b.checkJSON(field, body)...)
	}
	if len(b.XPath) > 0 {
		out = append(out, b.checkXPath(field, body)...)
	}
	return out
}

func (b *BodyMatcher) checkJSON(field string, body []byte) []string {
	doc, err := oj.Parse(body)
	if err != nil {
		return []string{fmt.Sprintf("%s: want JSON, got %s (%v)", field, quoteShort(body), err)}
	}
	var out []string
	for _, c := range b.JSON {
		got := c.expr.Get(doc)
		if msg := c.compare(got); msg != "" {
			out = append(out, fmt.Sprintf("%s json %s: %s", field, c.path, msg))
		}
	}
	return out
}

// compare checks what the path selected: one value is compared itself,
// several as a list.
func (c *jsonCheck) compare(got []any) string {
	var v any = got
	if len(got) == 1 {
		v = got[0]
	}
	gotJSON, _ := json.Marshal(v)
	if c.match != nil {
		text := string(gotJSON)
		if s, ok := v.(string); ok {
			text = s
		}
		return c.match.Check(text, len(got) > 0)
	}
	if len(got) == 0 {
		want, _ := json.Marshal(c.value)
		return fmt.Sprintf("want %s, got nothing", want)
	}
	norm, err := normalJSON(v)
	if err != nil || !reflect.DeepEqual(norm, c.value) {
		want, _ := json.Marshal(c.value)
		return fmt.Sprintf("want %s, got %s", want, gotJSON)
	}
	return ""
}

func (b *BodyMatcher) checkXPath(field string, body []byte) []string {
	doc, err := xmlquery.Parse(bytes.NewReader(body))
	if err != nil {
		return []string{fmt.Sprintf("%s: want XML, got %s (%v)", field, quoteShort(body), err)}
	}
	var out []string
	for _, c := range b.XPath {
		v, ok := evalXPath(c.expr, doc)
		if msg := c.match.Check(v, ok); msg != "" {
			out = append(out, fmt.Sprintf("%s xpath %s: %s", field, c.path, msg))
		}
	}
	return out
}

// evalXPath is the string value of e on doc; false when it selects no node.
func evalXPath(e *xpath.Expr, doc *xmlquery.Node) (string, bool) {
	switch v := e.Evaluate(xmlquery.CreateXPathNavigator(doc)).(type) {
	case *xpath.NodeIterator:
		if !v.MoveNext() {
			return "", false
		}
		return v.Current().Value(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	default:
		return fmt.Sprint(v), true
	}
}

// quoteShort quotes a body for a mismatch line, cut at 200 bytes.
func quoteShort(b []byte) string {
	if len(b) > 200 {
		return strconv.Quote(string(b[:200])) + "..."
	}
	return strconv.Quote(string(b))
}
