package xpath

import (
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// nodeSetString follows WSO2 Synapse's stringValueOf for node sets: the
// pieces of all nodes are concatenated; a text node or attribute gives its
// value; a lone element gives its own (direct) text, trimmed, or its XML
// when it has none (so $body/* yields the payload as XML); an element
// among several, or any element when the expression says node(), gives
// its XML.
func (x *Expr) nodeSetString(it *xpath.NodeIterator) string {
	var first, cur strings.Builder
	var firstEl *xmlquery.Node
	n := 0
	for it.MoveNext() {
		nav, ok := it.Current().(*synNav)
		if !ok {
			continue
		}
		n++
		if n == 2 && firstEl != nil {
			first.Reset()
			first.WriteString(firstEl.OutputXML(true))
		}
		b := &cur
		if n == 1 {
			b = &first
		}
		el := nodePiece(b, nav, n == 1 && !x.nodeTest)
		if n == 1 {
			firstEl = el
		}
	}
	return first.String() + cur.String()
}

// nodePiece writes one node's piece. For a lone element it writes the
// trimmed text and returns the element (its XML replaces the text if
// more nodes follow).
func nodePiece(b *strings.Builder, nav *synNav, lone bool) *xmlquery.Node {
	if nav.attr >= 0 || nav.in == nil {
		b.WriteString(nav.Value())
		return nil
	}
	node := nav.in.Current()
	switch {
	case nav.in.NodeType() == xpath.AttributeNode:
		b.WriteString(nav.in.Value())
	case node.Type == xmlquery.TextNode || node.Type == xmlquery.CharDataNode:
		b.WriteString(node.Data)
	case node.Type == xmlquery.DocumentNode:
		if el := documentElement(node); el != nil {
			b.WriteString(el.OutputXML(true))
		}
	case node.Type == xmlquery.ElementNode:
		text := strings.TrimSpace(directText(node))
		if lone && text != "" {
			b.WriteString(text)
			return node
		}
		b.WriteString(node.OutputXML(true))
	}
	return nil
}

// directText is AXIOM's getText(): the element's own text children.
func directText(n *xmlquery.Node) string {
	var s strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.TextNode || c.Type == xmlquery.CharDataNode {
			s.WriteString(c.Data)
		}
	}
	return s.String()
}
