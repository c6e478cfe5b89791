package mediators

import (
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"

	"github.com/seqgate/seqgate/mediation"
)

// adopt makes the first arrival's message the current one: body, type,
// status and default-scope properties.
func adopt(mc, first *mediation.MessageContext, body []byte, ct string) {
	first.Props.Range(func(k, v string) bool {
		mc.Props.Set(k, v)
		return true
	})
	if ct != "" {
		mc.SetContentType(ct)
	}
	mc.SetBody(body)
	if sc, ok := first.Property(mediation.ScopeAxis2, "HTTP_SC"); ok && sc != "" {
		mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", sc)
	}
}

func (m *aggregate) mergeJSON(mc *mediation.MessageContext, arrived []*mediation.MessageContext) error {
	all := []any{}
	for _, b := range arrived {
		v, err := m.expr.(mediation.Valuer).Value(b)
		if err != nil {
			return err
		}
		switch t := v.(type) {
		case nil:
		case []any:
			all = append(all, t...)
		default:
			all = append(all, v)
		}
	}
	body, err := jsonBytes(all)
	if err != nil {
		return err
	}
	adopt(mc, arrived[0], body, "application/json")
	return nil
}

func (m *aggregate) mergeXML(mc *mediation.MessageContext, arrived []*mediation.MessageContext) error {
	sel := m.expr.(mediation.NodeSelector)
	pick := func(b *mediation.MessageContext) ([]*xmlquery.Node, error) {
		nodes, _, err := sel.SelectNodes(b)
		if err != nil {
			return nil, err
		}
		var out []*xmlquery.Node
		for _, n := range nodes {
			if n.Attr == "" && n.Node.Type == xmlquery.ElementNode {
				out = append(out, n.Node)
			}
		}
		return out, nil
	}
	// The base is the first arrival the expression selects something in
	// (an error page a failing backend answered contributes nothing).
	picked := make([][]*xmlquery.Node, len(arrived))
	baseAt := -1
	for i, b := range arrived {
		nodes, err := pick(b)
		if err != nil {
			return err
		}
		picked[i] = nodes
		if baseAt < 0 && len(nodes) > 0 {
			baseAt = i
		}
	}
	if baseAt < 0 {
		baseAt = 0
	}
	base, anchor := arrived[baseAt], picked[baseAt]
	wasEnv, wasJSON := isEnvelopeBody(base), isJSONBody(base)
	doc, err := base.XMLPayload()
	if err != nil {
		return err
	}
	var rest []*xmlquery.Node
	for i, nodes := range picked {
		if i == baseAt {
			continue
		}
		for _, n := range nodes {
			keepNamespaces(n) // n is the branch's, done with: it may change
			rest = append(rest, copyNode(n))
		}
	}
	body := mediation.SOAPPart(doc, "Body")
	switch {
	case m.enclosing != "":
		v, _ := mc.Property(mediation.ScopeDefault, m.enclosing)
		wrap, err := parseXMLFragment(strings.TrimSpace(v))
		if err != nil || len(wrap) != 1 || wrap[0].Type != xmlquery.ElementNode {
			return fmt.Errorf("enclosingElementProperty %q does not hold one XML element", m.enclosing)
		}
		for _, n := range anchor {
			xmlquery.RemoveFromTree(n)
			xmlquery.AddChild(wrap[0], n)
		}
		for _, n := range rest {
			xmlquery.AddChild(wrap[0], n)
		}
		if body == nil {
			return fmt.Errorf("the payload has no body")
		}
		for _, k := range elementChildren(body) {
			xmlquery.RemoveFromTree(k)
		}
		xmlquery.AddChild(body, wrap[0])
	case len(anchor) > 0:
		at := anchor[len(anchor)-1]
		for _, n := range rest {
			insertAfter(at, n)
			at = n
		}
	case body != nil:
		for _, n := range rest {
			xmlquery.AddChild(body, n)
		}
	default:
		return fmt.Errorf("the payload has no body")
	}
	if err := writeBack(base, doc, wasEnv, wasJSON); err != nil {
		return err
	}
	adopt(mc, base, base.Body(), base.ContentType())
	return nil
}

// insertAfter links n into the tree as at's next sibling.
func insertAfter(at, n *xmlquery.Node) {
	n.Parent, n.PrevSibling, n.NextSibling = at.Parent, at, at.NextSibling
	if at.NextSibling != nil {
		at.NextSibling.PrevSibling = n
	} else if at.Parent != nil {
		at.Parent.LastChild = n
	}
	at.NextSibling = n
}
