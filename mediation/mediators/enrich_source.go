package mediators

import (
	"encoding/json"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/beevik/etree"
	"github.com/ohler55/ojg/oj"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/xpath"
)

// enrichValue is what a source yields: XML nodes, a JSON value or text.
type enrichValue struct {
	kind  valueKind
	nodes []*xmlquery.Node
	json  any
	text  string
	raw   string // the value's exact text when it came whole from a body or property
}

type valueKind uint8

const (
	valText valueKind = iota
	valXML
	valJSON
)

// String is the value as a property holds it: XML serialized, JSON as
// text (a JSON string unquoted, as Synapse's stringValueOf), text as is.
func (v enrichValue) String() string {
	if v.raw != "" {
		return v.raw
	}
	switch v.kind {
	case valXML:
		var b strings.Builder
		for _, n := range v.nodes {
			b.WriteString(n.OutputXML(true))
		}
		return b.String()
	case valJSON:
		return mediation.JSONText(v.json)
	}
	return v.text
}

type enrichSource struct {
	typ   enrichType
	clone bool
	expr  mediation.Expression
	prop  string
	// textOnly: the target stores text (a property), so a whole body is
	// taken as its bytes, without parsing or copying nodes.
	textOnly bool
	// inline: compiled once; copied per request so nothing shared is changed
	inline enrichValue
}

func compileEnrichSource(el *etree.Element, c *mediation.Compiler) (enrichSource, error) {
	s := enrichSource{}
	var err error
	if s.typ, err = enrichTypeAttr(el, c, enrichCustom, enrichEnvelope, enrichBody, enrichProperty, enrichInline); err != nil {
		return s, err
	}
	if s.clone, err = boolAttr(el, c, "clone", true); err != nil {
		return s, err
	}
	switch s.typ {
	case enrichCustom:
		if s.expr, err = c.Expr(el, "xpath"); err == nil && s.expr == nil {
			err = c.Errorf(el, "xpath attribute is required for type=\"custom\"")
		}
	case enrichProperty:
		s.prop, err = propertyAttr(el, c)
	case enrichInline:
		s.inline, err = compileInline(el, c)
	}
	return s, err
}

// compileInline reads inline XML (one element) or JSON text at deploy time.
// With key= the content is a local entry or registry resource instead
// (resolved at deploy time).
func compileInline(el *etree.Element, c *mediation.Compiler) (enrichValue, error) {
	if key, ok := mediation.Attr(el, "key"); ok {
		if len(el.ChildElements()) > 0 || strings.TrimSpace(charData(el)) != "" {
			return enrichValue{}, c.Errorf(el, "use either key= or inline content, not both")
		}
		res, err := c.MustResource(el, "key", key)
		if err != nil {
			return enrichValue{}, err
		}
		return inlineValue(el, c, res.XML, res.Text)
	}
	kids := el.ChildElements()
	if len(kids) > 1 {
		return enrichValue{}, c.Errorf(el, "inline XML must be one element")
	}
	var root *etree.Element
	if len(kids) == 1 {
		root = kids[0]
	}
	return inlineValue(el, c, root, charData(el))
}

// inlineValue is an inline source's value: the element root when there is
// one, else text (JSON when it parses as JSON).
func inlineValue(el *etree.Element, c *mediation.Compiler, root *etree.Element, text string) (enrichValue, error) {
	if root != nil {
		s, err := serializeElement(root)
		if err != nil {
			return enrichValue{}, c.Errorf(root, "%v", err)
		}
		nodes, err := parseXMLFragment(s)
		if err != nil {
			return enrichValue{}, c.Errorf(root, "%v", err)
		}
		return enrichValue{kind: valXML, nodes: nodes}, nil
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return enrichValue{}, c.Errorf(el, "inline source needs an XML element or JSON text")
	}
	if v, ok := parseJSONValue(text); ok {
		return enrichValue{kind: valJSON, json: v}, nil
	}
	return enrichValue{kind: valText, text: text}, nil
}

// eval produces the source value. A body or property value keeps its
// exact text (raw), so body -> property -> body is byte-exact. Values taken from the payload are
// copied unless clone="false", when they are moved.
func (s *enrichSource) eval(mc *mediation.MessageContext) (enrichValue, error) {
	switch s.typ {
	case enrichInline:
		return copyValue(s.inline), nil
	case enrichProperty:
		v, _ := mc.Property(mediation.ScopeDefault, s.prop)
		return classifyText(v, mc)
	case enrichEnvelope:
		doc, err := mc.XMLPayload()
		if err != nil {
			return enrichValue{}, err
		}
		return s.fromPayload([]*xmlquery.Node{mediation.SOAPPart(doc, "Envelope")}), nil
	case enrichBody:
		return s.body(mc)
	}
	return s.custom(mc)
}

func (s *enrichSource) body(mc *mediation.MessageContext) (enrichValue, error) {
	if s.textOnly && !isEnvelopeBody(mc) {
		b, err := mc.CheckedBody()
		if err != nil {
			return enrichValue{}, err
		}
		return enrichValue{kind: valText, text: strings.TrimSpace(string(b))}, nil
	}
	if isJSONBody(mc) {
		v, err := mc.JSON()
		if err != nil {
			return enrichValue{}, err
		}
		return enrichValue{kind: valJSON, json: copyJSON(v), raw: string(mc.Body())}, nil
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		return enrichValue{}, err
	}
	out := s.fromPayload(elementChildren(mediation.SOAPPart(doc, "Body")))
	if !isEnvelopeBody(mc) {
		out.raw = strings.TrimSpace(string(mc.Body()))
	}
	return out, nil
}

// custom evaluates xpath=: XPath node sets give nodes (text and attribute
// nodes give their text), json-eval gives a JSON value, anything else text.
func (s *enrichSource) custom(mc *mediation.MessageContext) (enrichValue, error) {
	if sel, ok := s.expr.(mediation.NodeSelector); ok {
		nodes, isSet, err := sel.SelectNodes(mc)
		if err != nil {
			return enrichValue{}, err
		}
		if isSet {
			return s.fromSelection(nodes), nil
		}
	} else if vl, ok := s.expr.(mediation.Valuer); ok {
		v, err := vl.Value(mc)
		if err != nil {
			return enrichValue{}, err
		}
		out := enrichValue{kind: valJSON, json: copyJSON(v)}
		// an object keeps the payload's member order as text (a property
		// or a replaced body gets it byte for byte)
		out.raw, _ = mediation.StructuredText(s.expr, mc, v)
		return out, nil
	}
	t, err := s.expr.String(mc)
	return enrichValue{kind: valText, text: t}, err
}

func (s *enrichSource) fromSelection(sel []xpath.SelectedNode) enrichValue {
	var els []*xmlquery.Node
	var text strings.Builder
	for _, n := range sel {
		switch {
		case n.Attr != "":
			text.WriteString(n.Node.SelectAttr(n.Attr))
		case n.Node.Type == xmlquery.ElementNode:
			els = append(els, n.Node)
		default:
			text.WriteString(n.Node.Data)
		}
	}
	if len(els) == 0 {
		return enrichValue{kind: valText, text: text.String()}
	}
	return s.fromPayload(els)
}

// fromPayload copies live payload nodes, or detaches them for clone=false.
func (s *enrichSource) fromPayload(nodes []*xmlquery.Node) enrichValue {
	out := make([]*xmlquery.Node, 0, len(nodes))
	for _, n := range nodes {
		if s.clone {
			out = append(out, copyNode(n))
			continue
		}
		xmlquery.RemoveFromTree(n)
		out = append(out, n)
	}
	return enrichValue{kind: valXML, nodes: out}
}

// classifyText reads a property value: XML when it parses as an element,
// JSON when it is an object or array, else text.
func classifyText(s string, mc *mediation.MessageContext) (enrichValue, error) {
	t := strings.TrimSpace(s)
	if looksXML(t) {
		nodes, err := parseXMLFragment(t)
		if err == nil {
			return enrichValue{kind: valXML, nodes: nodes, raw: t}, nil
		}
	}
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		if v, ok := parseJSONValue(t); ok {
			return enrichValue{kind: valJSON, json: v, raw: t}, nil
		}
	}
	return enrichValue{kind: valText, text: s}, nil
}

func parseJSONValue(s string) (any, bool) {
	if !json.Valid([]byte(s)) {
		return nil, false
	}
	v, err := oj.ParseString(s)
	return v, err == nil
}

func copyValue(v enrichValue) enrichValue {
	switch v.kind {
	case valXML:
		out := make([]*xmlquery.Node, len(v.nodes))
		for i, n := range v.nodes {
			out[i] = copyNode(n)
		}
		v.nodes = out
	case valJSON:
		v.json = copyJSON(v.json)
	}
	return v
}
