package mediators

import (
	"errors"
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/beevik/etree"
	"github.com/ohler55/ojg/jp"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/xpath"
)

type enrichTarget struct {
	typ    enrichType
	action enrichAction
	prop   string
	expr   mediation.Expression // custom XPath
	path   jp.Expr              // custom json-eval, and key
}

func compileEnrichTarget(el *etree.Element, c *mediation.Compiler) (enrichTarget, error) {
	t := enrichTarget{}
	var err error
	if t.typ, err = enrichTypeAttr(el, c, enrichCustom, enrichEnvelope, enrichBody, enrichProperty, enrichKey); err != nil {
		return t, err
	}
	a, _ := mediation.Attr(el, "action")
	act, ok := enrichActions[strings.TrimSpace(a)]
	if !ok {
		return t, c.Errorf(el, "invalid action %q; want replace, child, sibling or remove", a)
	}
	t.action = act
	if act != actReplace && (t.typ == enrichProperty || t.typ == enrichEnvelope || t.typ == enrichKey) {
		return t, c.Errorf(el, "action %q is not allowed for type %q; only replace", a, typeNameOf(t.typ))
	}
	if act == actRemove && t.typ != enrichCustom {
		return t, c.Errorf(el, "action \"remove\" needs type=\"custom\" with an xpath")
	}
	switch t.typ {
	case enrichProperty:
		t.prop, err = propertyAttr(el, c)
	case enrichCustom, enrichKey:
		err = t.compilePath(el, c)
	}
	return t, err
}

// compilePath reads xpath=: json-eval(...) compiles to a JSONPath the
// target can write through; any other expression must select XML nodes.
func (t *enrichTarget) compilePath(el *etree.Element, c *mediation.Compiler) error {
	src, ok := mediation.Attr(el, "xpath")
	if !ok || strings.TrimSpace(src) == "" {
		return c.Errorf(el, "xpath attribute is required for type=%q", typeNameOf(t.typ))
	}
	s := strings.TrimSpace(src)
	if strings.HasPrefix(s, "json-eval(") && strings.HasSuffix(s, ")") {
		p, err := mediation.ParseJSONPath(s[len("json-eval(") : len(s)-1])
		if err != nil {
			return c.Errorf(el, "xpath=%q: %v", src, err)
		}
		if t.typ == enrichKey {
			if _, ok := p[len(p)-1].(jp.Child); !ok || len(p) < 2 {
				return c.Errorf(el, "xpath=%q: a key target must end in a member name, like $.a.b", src)
			}
		}
		t.path = p
		return nil
	}
	if t.typ == enrichKey {
		return c.Errorf(el, "xpath=%q: a key target needs a json-eval(...) path", src)
	}
	e, err := c.ExprString(el, "xpath", src)
	if err != nil {
		return err
	}
	if _, ok := e.(mediation.NodeSelector); !ok {
		return c.Errorf(el, "xpath=%q: a target must select nodes (an XPath or json-eval path)", src)
	}
	t.expr = e
	return nil
}

func typeNameOf(t enrichType) string {
	for k, v := range enrichTypes {
		if v == t && k != "" {
			return k
		}
	}
	return "custom"
}

// apply puts v into the target.
func (t *enrichTarget) apply(mc *mediation.MessageContext, v enrichValue) error {
	switch t.typ {
	case enrichProperty:
		mc.SetProperty(mediation.ScopeDefault, t.prop, v.String())
		return nil
	case enrichBody:
		return setBody(mc, v, t.action)
	case enrichEnvelope:
		return setEnvelope(mc, v)
	case enrichKey:
		return renameKey(mc, t.path, v.String())
	}
	if t.path != nil {
		return applyJSONPath(mc, t.path, t.action, v)
	}
	return t.applyXPath(mc, v)
}

// setEnvelope replaces the message with an envelope value.
func setEnvelope(mc *mediation.MessageContext, v enrichValue) error {
	if v.kind != valXML || len(v.nodes) != 1 || v.nodes[0].Data != "Envelope" {
		return errors.New("an envelope target needs a SOAP Envelope element")
	}
	mc.SetBody([]byte(v.nodes[0].OutputXML(true)))
	return nil
}

// applyXPath changes the nodes the XPath selects in the payload document.
func (t *enrichTarget) applyXPath(mc *mediation.MessageContext, v enrichValue) error {
	wasEnv, wasJSON := isEnvelopeBody(mc), isJSONBody(mc)
	sel, _, err := t.expr.(mediation.NodeSelector).SelectNodes(mc)
	if err != nil {
		return err
	}
	if len(sel) == 0 {
		return fmt.Errorf("xpath %q selects nothing", t.expr.Source())
	}
	doc, _ := mc.XMLPayload()
	if t.action == actRemove {
		for _, n := range sel {
			removeSelected(n)
		}
	} else if err := insertAt(sel[0], t.action, v); err != nil {
		return err
	}
	return writeBack(mc, doc, wasEnv, wasJSON)
}

func removeSelected(n xpath.SelectedNode) {
	if n.Attr != "" {
		n.Node.RemoveAttr(qualified(n.AttrPrefix, n.Attr))
		return
	}
	xmlquery.RemoveFromTree(n.Node)
}

// insertAt applies one action at one selected node.
func insertAt(at xpath.SelectedNode, act enrichAction, v enrichValue) error {
	if at.Attr != "" {
		if act != actReplace {
			return errors.New("only replace is possible on an attribute")
		}
		at.Node.SetAttr(qualified(at.AttrPrefix, at.Attr), textOf(v))
		return nil
	}
	n := at.Node
	nodes := valueNodes(v)
	switch act {
	case actChild:
		for _, c := range nodes {
			xmlquery.AddChild(n, c)
		}
	case actSibling:
		for i := len(nodes) - 1; i >= 0; i-- {
			xmlquery.AddImmediateSibling(n, nodes[i])
		}
	default:
		if v.kind != valXML || n.Type != xmlquery.ElementNode {
			setText(n, textOf(v))
			return nil
		}
		for i := len(nodes) - 1; i >= 0; i-- {
			xmlquery.AddImmediateSibling(n, nodes[i])
		}
		xmlquery.RemoveFromTree(n)
	}
	return nil
}

// valueNodes is v as nodes to insert: its elements, or one text node.
func valueNodes(v enrichValue) []*xmlquery.Node {
	if v.kind == valXML {
		return v.nodes
	}
	return []*xmlquery.Node{{Type: xmlquery.TextNode, Data: v.String()}}
}

// textOf is v as text for an attribute or text node: elements give their
// text content, as Synapse's Target uses getText() there.
func textOf(v enrichValue) string {
	if v.kind != valXML {
		return v.String()
	}
	var b strings.Builder
	for _, n := range v.nodes {
		b.WriteString(n.InnerText())
	}
	return b.String()
}

// setText replaces an element's children (or a text node's data) with s.
func setText(n *xmlquery.Node, s string) {
	if n.Type != xmlquery.ElementNode {
		n.Data = s
		return
	}
	n.FirstChild, n.LastChild = nil, nil
	xmlquery.AddChild(n, &xmlquery.Node{Type: xmlquery.TextNode, Data: s})
}

func qualified(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}
