package xpath

import (
	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// synNav is the navigator a Synapse XPath runs on. It wraps xmlquery's
// navigator over the payload document (nil when the expression does not
// read the payload: then the document is an empty root) and adds virtual
// attributes on the root, sgv0..sgvN, whose values are the Synapse
// variables and function results of this evaluation (see xpathRewrite).
type synNav struct {
	in   *xmlquery.NodeNavigator
	st   *navState
	attr int // index of the virtual attribute the cursor is on, or -1
}

type navState struct {
	names []string
	vals  []string
}

var _ xpath.NodeNavigator = (*synNav)(nil)

func (n *synNav) atRoot() bool { return n.in == nil || n.in.NodeType() == xpath.RootNode }

func (n *synNav) NodeType() xpath.NodeType {
	if n.attr >= 0 {
		return xpath.AttributeNode
	}
	if n.in == nil {
		return xpath.RootNode
	}
	return n.in.NodeType()
}

func (n *synNav) LocalName() string {
	if n.attr >= 0 {
		return n.st.names[n.attr]
	}
	if n.in == nil {
		return ""
	}
	return n.in.LocalName()
}

func (n *synNav) Prefix() string {
	if n.attr >= 0 || n.in == nil {
		return ""
	}
	return n.in.Prefix()
}

// NamespaceURL lets antchfx/xpath match prefixed names by namespace URI.
func (n *synNav) NamespaceURL() string {
	if n.attr >= 0 || n.in == nil {
		return ""
	}
	return n.in.NamespaceURL()
}

func (n *synNav) Value() string {
	if n.attr >= 0 {
		return n.st.vals[n.attr]
	}
	if n.in == nil {
		return ""
	}
	return n.in.Value()
}

func (n *synNav) Copy() xpath.NodeNavigator {
	c := *n
	if n.in != nil {
		c.in = n.in.Copy().(*xmlquery.NodeNavigator)
	}
	return &c
}

func (n *synNav) MoveToRoot() {
	n.attr = -1
	if n.in != nil {
		n.in.MoveToRoot()
	}
}

func (n *synNav) MoveToParent() bool {
	if n.attr >= 0 {
		n.attr = -1
		return true
	}
	return n.in != nil && n.in.MoveToParent()
}

func (n *synNav) MoveToNextAttribute() bool {
	if n.attr >= 0 || n.atRoot() {
		if n.attr+1 < len(n.st.names) {
			n.attr++
			return true
		}
		return false
	}
	return n.in.MoveToNextAttribute()
}

func (n *synNav) MoveToChild() bool {
	return n.attr < 0 && n.in != nil && n.in.MoveToChild()
}

func (n *synNav) MoveToFirst() bool {
	return n.attr < 0 && n.in != nil && n.in.MoveToFirst()
}

func (n *synNav) MoveToNext() bool {
	return n.attr < 0 && n.in != nil && n.in.MoveToNext()
}

func (n *synNav) MoveToPrevious() bool {
	return n.attr < 0 && n.in != nil && n.in.MoveToPrevious()
}

func (n *synNav) MoveTo(other xpath.NodeNavigator) bool {
	o, ok := other.(*synNav)
	if !ok || (n.in == nil) != (o.in == nil) {
		return false
	}
	if n.in != nil && !n.in.MoveTo(o.in) {
		return false
	}
	n.attr = o.attr
	return true
}
