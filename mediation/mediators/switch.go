package mediators

import (
	"fmt"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// switchMediator is <switch source="...">: the first <case regex> whose
// regex fully matches the source's string value runs; otherwise the first
// <default>, if any. With no match and no default the flow continues. The
// switch returns what the chosen branch returned.
type switchMediator struct {
	source mediation.Expression
	cases  []switchCase
	dflt   mediation.Mediator // may be nil
}

type switchCase struct {
	re   *mediation.Regex
	body mediation.Mediator
}

func init() { mediation.Register("switch", newSwitch) }

// Mediate implements mediation.Mediator.
func (s *switchMediator) Mediate(mc *mediation.MessageContext) (bool, error) {
	// v is matched at once and not kept (the chosen case may change the
	// header it views).
	v, err := mediation.StringView(s.source, mc)
	if err != nil {
		return false, fmt.Errorf("switch source=%q: %w", s.source.Source(), err)
	}
	for i := range s.cases {
		if s.cases[i].re.MatchString(v) {
			return s.cases[i].body.Mediate(mc)
		}
	}
	if s.dflt != nil {
		return s.dflt.Mediate(mc)
	}
	return true, nil
}

func newSwitch(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	if _, ok := mediation.Attr(el, "source"); !ok {
		return nil, c.Errorf(el, "source attribute is required")
	}
	src, err := c.Expr(el, "source")
	if err != nil {
		return nil, err
	}
	s := &switchMediator{source: src}
	var reported error // a case's errors already collected: compile the other cases too
	seenDefault := false
	for _, ch := range el.ChildElements() {
		if !mediation.IsSynapse(ch) {
			return nil, c.Errorf(ch, "unexpected element in <switch>")
		}
		switch ch.Tag {
		case "case":
			sc, err := compileCase(ch, c)
			if mediation.Reported(err) {
				reported = err
				continue
			}
			if err != nil {
				return nil, err
			}
			s.cases = append(s.cases, sc)
		case "default":
			if s.dflt != nil || seenDefault {
				continue // Synapse uses the first <default> only
			}
			seenDefault = true
			if s.dflt, err = compileBranch(ch, c); mediation.Reported(err) {
				reported = err
			} else if err != nil {
				return nil, err
			}
		case "description":
		default:
			return nil, c.Errorf(ch, "unexpected element in <switch>; want <case> or <default>")
		}
	}
	if reported != nil {
		return nil, reported
	}
	return s, nil
}

func compileCase(el *etree.Element, c *mediation.Compiler) (switchCase, error) {
	pattern, ok := mediation.Attr(el, "regex")
	if !ok {
		return switchCase{}, c.Errorf(el, "regex attribute is required")
	}
	re, err := mediation.CompileRegex(pattern)
	if err != nil {
		return switchCase{}, c.Errorf(el, "regex=%q: %v", pattern, err)
	}
	body, err := compileBranch(el, c)
	if err != nil {
		return switchCase{}, err
	}
	return switchCase{re: re, body: body}, nil
}
