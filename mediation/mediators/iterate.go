package mediators

import (
	"fmt"

	"github.com/antchfx/xmlquery"
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// iterate is <iterate expression= [id] [continueParent] [sequential]
// [preservePayload] [attachPath]> with one <target>. The expression (XPath,
// or json-eval naming an array) splits the current message into parts; each
// part becomes the payload of its own copy of the message and the target
// runs on it (scatter.go); the results wait for an <aggregate> with the same
// id. preservePayload="true" keeps the rest of the payload around the part:
// the other parts are removed from the copy, so the part stays where it
// was (Synapse attaches it at attachPath, which in the usual form is the
// parts' parent; seqgate keeps it in place). No match: no branch runs and
// an aggregate then finds no part to collect. The branch caps apply as for
// clone.
type iterate struct {
	scatterCommon
	expr     mediation.Expression
	preserve bool
	json     bool
	target   scatterTarget
}

func init() { mediation.Register("iterate", newIterate) }

// Mediate implements mediation.Mediator.
func (m *iterate) Mediate(mc *mediation.MessageContext) (bool, error) {
	var items []any // json: the array's elements
	n := 0
	if m.json {
		v, err := m.expr.(mediation.Valuer).Value(mc)
		if err != nil {
			return false, fmt.Errorf("iterate: %w", err)
		}
		switch a := v.(type) {
		case nil:
		case []any:
			items = a
		default:
			items = []any{a}
		}
		n = len(items)
	} else {
		sel, err := m.elements(mc)
		if err != nil {
			return false, fmt.Errorf("iterate: %w", err)
		}
		n = len(sel)
	}
	if n == 0 {
		return m.finish(mc, &mediation.Scattered{ID: m.id}, 0)
	}
	parts, err := forkN(mc, n)
	if err != nil {
		return false, fmt.Errorf("iterate: %w", err)
	}
	res := scatter(mc, m.id, parts, m.sequential, scatterTimeout(mc, m.link),
		func(i int, b *mediation.MessageContext) error {
			var err error
			if m.json {
				err = setJSONBody(b, copyJSON(items[i]))
			} else {
				err = m.split(b, i)
			}
			if err != nil {
				return fmt.Errorf("iterate part %d: %w", i+1, err)
			}
			return m.target.run(b)
		})
	return m.finish(mc, res, n)
}

// elements are the element nodes the expression selects in mc's payload.
func (m *iterate) elements(mc *mediation.MessageContext) ([]*xmlquery.Node, error) {
	sel, isSet, err := m.expr.(mediation.NodeSelector).SelectNodes(mc)
	if err != nil {
		return nil, err
	}
	if !isSet {
		return nil, fmt.Errorf("expression %q does not select nodes", m.expr.Source())
	}
	var out []*xmlquery.Node
	for _, s := range sel {
		if s.Attr == "" && s.Node.Type == xmlquery.ElementNode {
			out = append(out, s.Node)
		}
	}
	return out, nil
}

// split makes part i the payload of branch b (b's own copy of the
// document: selecting again there finds the same parts in the same order).
func (m *iterate) split(b *mediation.MessageContext, i int) error {
	wasEnv, wasJSON := isEnvelopeBody(b), isJSONBody(b)
	els, err := m.elements(b)
	if err != nil {
		return err
	}
	if i >= len(els) {
		return fmt.Errorf("the part is gone from the copy")
	}
	doc, err := b.XMLPayload()
	if err != nil {
		return err
	}
	part := els[i]
	if m.preserve {
		for j, e := range els {
			if j != i {
				xmlquery.RemoveFromTree(e)
			}
		}
	} else {
		body := mediation.SOAPPart(doc, "Body")
		if body == nil {
			return fmt.Errorf("the payload has no body to put the part in")
		}
		keepNamespaces(part)
		xmlquery.RemoveFromTree(part)
		for _, k := range elementChildren(body) {
			xmlquery.RemoveFromTree(k)
		}
		xmlquery.AddChild(body, part)
	}
	return writeBack(b, doc, wasEnv, wasJSON)
}

func newIterate(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	common, err := compileScatterCommon(el, c)
	if err != nil {
		return nil, err
	}
	m := &iterate{scatterCommon: common}
	if m.expr, err = c.Expr(el, "expression"); err != nil {
		return nil, err
	}
	if m.expr == nil {
		return nil, c.Errorf(el, "expression attribute is required")
	}
	if m.preserve, err = boolAttr(el, c, "preservePayload", false); err != nil {
		return nil, err
	}
	if _, err := c.Expr(el, "attachPath"); err != nil {
		return nil, err
	}
	_, isSel := m.expr.(mediation.NodeSelector)
	_, isVal := m.expr.(mediation.Valuer)
	switch {
	case isSel:
	case isVal:
		m.json = true
		if m.preserve {
			return nil, c.Errorf(el, "preservePayload=\"true\" with a json-eval expression is not supported: each part becomes the whole payload")
		}
	default:
		return nil, c.Errorf(el, "expression=%q: want an XPath node set or json-eval(...)", m.expr.Source())
	}
	var found bool
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "target" && !found:
			if m.target, err = compileTarget(ch, c); err != nil {
				return nil, err
			}
			found = true
		default:
			return nil, c.Errorf(ch, "unexpected element in <iterate> (want one <target>)")
		}
	}
	if !found {
		return nil, c.Errorf(el, "an <iterate> needs a <target>")
	}
	c.NeedsBody = true
	return m, nil
}
