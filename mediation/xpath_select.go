package mediation

import (
	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// SelectedNode is one node an XPath selected in the payload document of
// XMLPayload: an element, a text node, or an attribute (then Node is the
// owning element and Attr the attribute's local name).
type SelectedNode struct {
	Node       *xmlquery.Node
	Attr       string
	AttrPrefix string
}

// NodeSelector is implemented by compiled XPath expressions. Mediators that
// work on nodes rather than strings (enrich, makefault's detail) use it;
// the nodes are live: changing them changes the cached payload document,
// and the caller must write the body back. ok is false when the result is
// not a node set (a string, number or boolean).
type NodeSelector interface {
	SelectNodes(mc *MessageContext) (nodes []SelectedNode, ok bool, err error)
}

// SelectNodes implements NodeSelector.
func (x *xpathExpr) SelectNodes(mc *MessageContext) (_ []SelectedNode, _ bool, err error) {
	nav, err := x.nav(mc)
	if err != nil {
		return nil, false, err
	}
	e := x.acquire()
	defer x.done(e, &err)
	it, ok := e.Evaluate(nav).(*xpath.NodeIterator)
	if !ok {
		return nil, false, nil
	}
	var out []SelectedNode
	for it.MoveNext() {
		nav, ok := it.Current().(*synNav)
		if !ok || nav.attr >= 0 || nav.in == nil {
			continue // a virtual variable attribute is not a payload node
		}
		n := SelectedNode{Node: nav.in.Current()}
		if nav.in.NodeType() == xpath.AttributeNode {
			n.Attr, n.AttrPrefix = nav.in.LocalName(), nav.in.Prefix()
		}
		out = append(out, n)
	}
	return out, true, nil
}
