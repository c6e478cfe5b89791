package xpath

import (
	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// SelectedNode is one node an XPath selected in the payload document of
// Env.XMLPayload: an element, a text node, or an attribute (then Node is the
// owning element and Attr the attribute's local name).
type SelectedNode struct {
	Node       *xmlquery.Node
	Attr       string
	AttrPrefix string
}

// SelectNodes evaluates the expression as a node set: the live nodes of
// env's XMLPayload document (changing them changes the payload; the caller
// writes the body back). ok is false when the result is not a node set (a
// string, number or boolean). Mediators that work on nodes rather than
// strings (enrich, makefault's detail, iterate) use it.
func (x *Expr) SelectNodes(env Env) (_ []SelectedNode, _ bool, err error) {
	nav, err := x.nav(env)
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
