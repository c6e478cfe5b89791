package mediators

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation"
)

// aggregate is <aggregate [id]> with <completeCondition [timeout=seconds]>
// <messageCount min= max=/></completeCondition> and <onComplete
// expression= [sequence=] [enclosingElementProperty=]
// [aggregateElementType=]>. It collects the results of the clone or
// iterate with the same id that ran earlier in this request (scatter.go)
// and runs onComplete once on the aggregated message:
//
//   - A branch arrives when its target ended without error within the
//     timeout (completeCondition's, else timeouts.aggregate); a failed or
//     late branch never arrives, as in Synapse, and is logged at warn.
//     max (> 0) keeps the first max arrivals. min is accepted: Synapse
//     completes on timeout whatever the count, and so does seqgate, which
//     knows at once when every branch has ended (it never waits past the
//     last branch, where Synapse without a timeout would wait forever).
//   - XPath: the elements the expression selects in each arrived message
//     are put after the first message's selected elements, in that
//     message's payload (Synapse's EIPUtils.enrichEnvelope); with
//     enclosingElementProperty they become the children of the element
//     that property holds, and that element is the payload.
//   - json-eval: the selected values form a JSON array payload (a value
//     that is itself an array contributes its elements).
//   - The aggregated message keeps the first arrival's Content-Type,
//     HTTP_SC and default-scope properties (Synapse builds it from the
//     first message's context). Branches are taken in split order, which
//     Synapse does not promise either.
//
// None arrived: the aggregate fails (the fault sequence runs) naming each
// branch's error. No clone or iterate with this id ran: a mediation error.
type aggregate struct {
	id        string
	timeout   time.Duration
	min, max  int
	expr      mediation.Expression
	json      bool
	enclosing string
	onDone    mediation.Mediator
}

func init() { mediation.Register("aggregate", newAggregate) }

// Mediate implements mediation.Mediator.
func (m *aggregate) Mediate(mc *mediation.MessageContext) (bool, error) {
	s := mc.TakeScattered(m.id)
	if s == nil {
		if id, ok := mc.BranchOf(); ok && id == m.id {
			// A branch of this scatter reaches its aggregate: its message
			// arrives, its flow stops; the aggregate completes once, on
			// the parent (scatterCommon.finish, nested).
			mc.Arrive(m)
			return false, nil
		}
		if cont, ok, err := m.nested(mc); ok {
			return cont, err
		}
		return false, fmt.Errorf("aggregate id=%q: no clone or iterate with this id ran before it in this request", m.id)
	}
	defer s.Release()
	arrived := m.arrived(mc, s)
	if len(arrived) == 0 {
		if len(s.Branches) == 0 {
			return false, fmt.Errorf("aggregate id=%q: the split produced no message", m.id)
		}
		var errs []error
		for i, b := range s.Branches {
			errs = append(errs, fmt.Errorf("branch %d: %w", i+1, b.Err))
		}
		return false, fmt.Errorf("aggregate id=%q: none of the %d branches arrived: %w", m.id, len(s.Branches), errors.Join(errs...))
	}
	var err error
	if m.json {
		err = m.mergeJSON(mc, arrived)
	} else {
		err = m.mergeXML(mc, arrived)
	}
	if err != nil {
		return false, fmt.Errorf("aggregate id=%q: %w", m.id, err)
	}
	if m.onDone == nil {
		return true, nil
	}
	return m.onDone.Mediate(mc)
}

// nested completes the aggregate for a scatter that ran inside the
// branches of an earlier one (an iterate in an iterate's target, Synapse's
// nested aggregates: <aggregate id="inner"> whose onComplete holds
// <aggregate id="outer">): the aggregate runs on each outer branch,
// collecting its inner results there, and the outer branches that then
// arrive at the outer aggregate are completed by it, once, on mc. ok is
// false when no branch of a pending scatter holds results with this id.
func (m *aggregate) nested(mc *mediation.MessageContext) (cont, ok bool, err error) {
	for _, p := range mc.Pending() {
		found := false
		for _, b := range p.Branches {
			if b.Err == nil && b.MC.HasScatteredID(m.id) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		var outer mediation.Mediator
		for i := range p.Branches {
			b := &p.Branches[i]
			if b.Err != nil {
				continue
			}
			if _, err := m.Mediate(b.MC); err != nil {
				b.Err = err
				continue
			}
			if a := b.MC.Arrived(); a != nil && outer == nil {
				outer = a
			}
		}
		if outer == nil {
			return true, true, nil // the groups completed; none went on to an outer aggregate
		}
		cont, err := outer.Mediate(mc)
		return cont, true, err
	}
	return false, false, nil
}

// arrived are the branches that count, in split order.
func (m *aggregate) arrived(mc *mediation.MessageContext, s *mediation.Scattered) []*mediation.MessageContext {
	type arrival struct {
		i     int
		after time.Duration
	}
	var in []arrival
	for i, b := range s.Branches {
		err := b.Err
		if err == nil && m.timeout > 0 && b.After > m.timeout {
			err = fmt.Errorf("arrived after the completeCondition timeout (%s)", m.timeout)
		}
		if err != nil {
			if mc.Logger != nil {
				mc.Logger.Warn("aggregate: a branch did not arrive", zap.String("id", m.id),
					zap.Int("branch", i+1), zap.Int("of", len(s.Branches)), zap.Error(err))
			}
			continue
		}
		in = append(in, arrival{i, b.After})
	}
	if m.max > 0 && len(in) > m.max {
		sort.SliceStable(in, func(a, b int) bool { return in[a].after < in[b].after })
		in = in[:m.max]
		sort.Slice(in, func(a, b int) bool { return in[a].i < in[b].i })
	}
	out := make([]*mediation.MessageContext, len(in))
	for k, a := range in {
		out[k] = s.Branches[a.i].MC
	}
	return out
}

// newAggregate compiles <aggregate>: its id, completeCondition and
// onComplete (expression, inline sequence or sequence=).
func newAggregate(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	m := &aggregate{min: -1, max: -1}
	m.id, _ = mediation.Attr(el, "id")
	var onComplete *etree.Element
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "completeCondition":
			if err := m.compileCondition(ch, c); err != nil {
				return nil, err
			}
		case ch.Tag == "onComplete":
			onComplete = ch
		case ch.Tag == "correlateOn":
			return nil, c.Errorf(ch, "correlateOn is not supported: seqgate correlates by the id of the clone or iterate (give both the same id)")
		default:
			return nil, c.Errorf(ch, "unexpected element in <aggregate>")
		}
	}
	if onComplete == nil {
		return nil, c.Errorf(el, "an <aggregate> needs <onComplete expression=...>")
	}
	var err error
	if m.expr, err = c.Expr(onComplete, "expression"); err != nil {
		return nil, err
	}
	if m.expr == nil {
		return nil, c.Errorf(onComplete, "expression attribute is required")
	}
	if _, ok := m.expr.(mediation.NodeSelector); !ok {
		if _, ok := m.expr.(mediation.Valuer); !ok {
			return nil, c.Errorf(onComplete, "expression=%q: want an XPath node set or json-eval(...)", m.expr.Source())
		}
		m.json = true
	}
	m.enclosing, _ = mediation.Attr(onComplete, "enclosingElementProperty")
	if t, ok := mediation.Attr(onComplete, "aggregateElementType"); ok && t != "root" && t != "child" {
		return nil, c.Errorf(onComplete, "aggregateElementType=%q: want root or child", t)
	}
	if key, ok := mediation.Attr(onComplete, "sequence"); ok && key != "" {
		c.AddRef(key)
		m.onDone = staticRef(key)
	} else {
		l, err := c.List(onComplete)
		if err != nil {
			return nil, err
		}
		m.onDone = l
	}
	linkFor(c, m.id).timeout = m.timeout
	c.NeedsBody = true
	return m, nil
}

// compileCondition reads <completeCondition timeout="s"> and its
// <messageCount min= max=> (-1: all).
func (m *aggregate) compileCondition(el *etree.Element, c *mediation.Compiler) error {
	if v, ok := mediation.Attr(el, "timeout"); ok && strings.TrimSpace(v) != "" {
		s, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || s < 0 {
			return c.Errorf(el, "timeout=%q: want seconds", v)
		}
		m.timeout = time.Duration(s * float64(time.Second))
	}
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "messageCount":
			for _, a := range []struct {
				name string
				to   *int
			}{{"min", &m.min}, {"max", &m.max}} {
				v, ok := mediation.Attr(ch, a.name)
				if !ok {
					continue
				}
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < -1 {
					return c.Errorf(ch, "%s=%q: want a count or -1 (all); expressions are not supported", a.name, v)
				}
				*a.to = n
			}
		default:
			return c.Errorf(ch, "unexpected element in <completeCondition>")
		}
	}
	return nil
}
