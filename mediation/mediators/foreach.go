package mediators

import (
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/beevik/etree"
	"github.com/ohler55/ojg/jp"

	"github.com/seqgate/seqgate/mediation"
)

// foreach is <foreach expression= [id] [sequence=]> with an inline
// <sequence> (or sequence="key"): for each element the expression selects,
// the sequence runs on a copy of the message whose payload is that element,
// and what the sequence leaves as payload replaces the element in the
// original, in place and in order (Synapse's ForEachMediator). Nothing else
// of the copy comes back (properties set in it stay there). The expression
// is an XPath, or json-eval naming a JSON array ($.orders, or $.orders[*]).
// As in Synapse the sequence may not call out (call, send, callout,
// clone, iterate, aggregate are refused at deploy time) and it must not
// stop the flow. Each element counts against limits.max_branches_per_request.
type foreach struct {
	expr mediation.Expression
	path jp.Expr // json-eval: the array's path
	seq  mediation.Mediator
}

func init() { mediation.Register("foreach", newForeach) }

// Mediate implements mediation.Mediator.
func (m *foreach) Mediate(mc *mediation.MessageContext) (bool, error) {
	var err error
	if m.path != nil {
		err = m.eachJSON(mc)
	} else {
		err = m.eachXML(mc)
	}
	if err != nil {
		return false, fmt.Errorf("foreach: %w", err)
	}
	return true, nil
}

// runOn runs the sequence on a fork of mc whose payload is body and
// returns the payload it leaves.
func (m *foreach) runOn(mc *mediation.MessageContext, body []byte, ct string) ([]byte, error) {
	b, err := mc.Fork()
	if err != nil {
		return nil, err
	}
	defer b.Release()
	b.SetContentType(ct)
	b.SetBody(body)
	cont, err := m.seq.Mediate(b)
	if err != nil {
		return nil, err
	}
	if !cont {
		return nil, fmt.Errorf("the sequence stopped the flow (respond, drop or a filter's stop are not allowed in foreach)")
	}
	return append([]byte(nil), b.Body()...), nil
}

func (m *foreach) eachXML(mc *mediation.MessageContext) error {
	wasEnv, wasJSON := isEnvelopeBody(mc), isJSONBody(mc)
	sel, isSet, err := m.expr.(mediation.NodeSelector).SelectNodes(mc)
	if err != nil {
		return err
	}
	if !isSet {
		return fmt.Errorf("expression %q does not select nodes", m.expr.Source())
	}
	var els []*xmlquery.Node
	for _, s := range sel {
		if s.Attr == "" && s.Node.Type == xmlquery.ElementNode {
			els = append(els, s.Node)
		}
	}
	if len(els) == 0 {
		return nil
	}
	if err := mc.TakeBranches(len(els)); err != nil {
		return err
	}
	mc.DoneBranches(len(els)) // run in turn, on this goroutine: only the per-request count holds
	doc, err := mc.XMLPayload()
	if err != nil {
		return err
	}
	for _, el := range els {
		keepNamespaces(el)
		out, err := m.runOn(mc, []byte(el.OutputXML(true)), "application/xml")
		if err != nil {
			return err
		}
		nodes, err := parseXMLFragment(strings.TrimSpace(string(out)))
		if err != nil {
			return fmt.Errorf("the sequence left a payload that is not one XML element: %w", err)
		}
		for _, n := range nodes {
			insertAfter(el, n)
		}
		xmlquery.RemoveFromTree(el)
	}
	return writeBack(mc, doc, wasEnv, wasJSON)
}

func (m *foreach) eachJSON(mc *mediation.MessageContext) error {
	doc, err := mc.JSON()
	if err != nil {
		return err
	}
	res := m.path.Get(doc)
	if len(res) == 0 {
		return nil
	}
	arr, ok := res[0].([]any)
	if len(res) != 1 || !ok {
		return fmt.Errorf("json-eval(%s) must name one JSON array", m.path)
	}
	if err := mc.TakeBranches(len(arr)); err != nil {
		return err
	}
	mc.DoneBranches(len(arr))
	doc = copyJSON(doc)
	out := make([]any, len(arr))
	for i, v := range arr {
		in, err := jsonBytes(v)
		if err != nil {
			return err
		}
		b, err := m.runOn(mc, in, "application/json")
		if err != nil {
			return err
		}
		nv, ok := parseJSONValue(strings.TrimSpace(string(b)))
		if !ok {
			return fmt.Errorf("the sequence left a payload that is not JSON")
		}
		out[i] = nv
	}
	if len(m.path) == 1 { // $: the payload is the array
		return setJSONBody(mc, out)
	}
	if err := m.path.Set(doc, out); err != nil {
		return err
	}
	return setJSONBody(mc, doc)
}

func newForeach(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	m := &foreach{}
	var err error
	if m.expr, err = c.Expr(el, "expression"); err != nil {
		return nil, err
	}
	if m.expr == nil {
		return nil, c.Errorf(el, "expression attribute is required")
	}
	if _, ok := m.expr.(mediation.NodeSelector); !ok {
		src := strings.TrimSpace(m.expr.Source())
		if !strings.HasPrefix(src, "json-eval(") {
			return nil, c.Errorf(el, "expression=%q: want an XPath node set or json-eval(...)", src)
		}
		p := strings.TrimSuffix(strings.TrimSpace(src[len("json-eval("):len(src)-1]), "[*]")
		if m.path, err = mediation.ParseJSONPath(p); err != nil {
			return nil, c.Errorf(el, "%v", err)
		}
	}
	inline := synapseChild(el, "sequence")
	switch key, hasKey := mediation.Attr(el, "sequence"); {
	case inline != nil:
		if err := noCallOut(inline, c); err != nil {
			return nil, err
		}
		l, err := c.List(inline)
		if err != nil {
			return nil, err
		}
		m.seq = l
	case hasKey && key != "":
		c.AddRef(key)
		m.seq = staticRef(key)
	default:
		return nil, c.Errorf(el, "a <foreach> needs an inline <sequence> or sequence=")
	}
	c.NeedsBody = true
	return m, nil
}

// noCallOut refuses the mediators Synapse's foreach refuses in its sequence.
func noCallOut(el *etree.Element, c *mediation.Compiler) error {
	for _, ch := range el.ChildElements() {
		switch ch.Tag {
		case "call", "send", "callout", "clone", "iterate", "aggregate":
			return c.Errorf(ch, "<%s> is not allowed in a foreach sequence (Synapse refuses it too)", ch.Tag)
		}
		if err := noCallOut(ch, c); err != nil {
			return err
		}
	}
	return nil
}
