package mediators

import (
	"fmt"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// filter is <filter>: a condition and one or two branches. The condition is
// either xpath= (XPath boolean conversion: a non-empty string or node set is
// true) or source= with regex= (a Java full match of the source's string
// value). Branches are <then>/<else> (inline mediators or sequence=key), or,
// in the legacy form, the filter's own children, which run only when true.
// A false condition with no else lets the flow continue; otherwise the
// filter returns whatever the branch returned.
type filter struct {
	cond      mediation.Expression // xpath= form
	source    mediation.Expression // source=/regex= form
	re        *mediation.Regex
	then, els mediation.Mediator // els may be nil
}

func init() { mediation.Register("filter", newFilter) }

// Mediate implements mediation.Mediator.
func (f *filter) Mediate(mc *mediation.MessageContext) (bool, error) {
	ok, err := f.test(mc)
	if err != nil {
		return false, err
	}
	if ok {
		return f.then.Mediate(mc)
	}
	if f.els != nil {
		return f.els.Mediate(mc)
	}
	return true, nil
}

func (f *filter) test(mc *mediation.MessageContext) (bool, error) {
	if f.cond != nil {
		ok, err := f.cond.Bool(mc)
		if err != nil {
			return false, fmt.Errorf("filter xpath=%q: %w", f.cond.Source(), err)
		}
		return ok, nil
	}
	s, err := mediation.StringView(f.source, mc)
	if err != nil {
		return false, fmt.Errorf("filter source=%q: %w", f.source.Source(), err)
	}
	return f.re.MatchString(s), nil
}

func newFilter(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	f := &filter{}
	if err := f.compileCondition(el, c); err != nil {
		return nil, err
	}
	var err error
	then := synapseChild(el, "then")
	if then == nil {
		if synapseChild(el, "else") != nil {
			return nil, c.Errorf(el, "<else> without <then>")
		}
		f.then, err = c.List(el)
		return f, err
	}
	for _, ch := range el.ChildElements() {
		if ch.Tag != "then" && ch.Tag != "else" && ch.Tag != "description" {
			return nil, c.Errorf(ch, "mediators next to <then> never run; move them into <then> or <else>")
		}
	}
	// An error already collected in <then> still lets <else> compile, so
	// both branches' errors are reported (mediation.Reported).
	f.then, err = compileBranch(then, c)
	if err != nil && !mediation.Reported(err) {
		return nil, err
	}
	thenErr := err
	if els := synapseChild(el, "else"); els != nil {
		if f.els, err = compileBranch(els, c); err != nil {
			return nil, err
		}
	}
	if thenErr != nil {
		return nil, thenErr
	}
	return f, nil
}

// compileCondition accepts exactly one of xpath= and source=+regex=.
func (f *filter) compileCondition(el *etree.Element, c *mediation.Compiler) error {
	_, hasXPath := mediation.Attr(el, "xpath")
	_, hasSource := mediation.Attr(el, "source")
	re, hasRegex := mediation.Attr(el, "regex")
	var err error
	switch {
	case hasXPath && (hasSource || hasRegex):
		return c.Errorf(el, "use either xpath= or source= with regex=, not both")
	case hasXPath:
		f.cond, err = c.Expr(el, "xpath")
		return err
	case hasSource && hasRegex:
		if f.source, err = c.Expr(el, "source"); err != nil {
			return err
		}
		if f.re, err = mediation.CompileRegex(re); err != nil {
			return c.Errorf(el, "regex=%q: %v", re, err)
		}
		return nil
	case hasSource || hasRegex:
		return c.Errorf(el, "source= and regex= must be used together")
	}
	return c.Errorf(el, "an xpath= or a source= with regex= is required")
}

// compileBranch compiles <then>, <else> (and switch <case>, <default>): a
// sequence= reference or the inline mediators.
func compileBranch(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	if key, ok := mediation.Attr(el, "sequence"); ok {
		if key == "" {
			return nil, c.Errorf(el, "sequence attribute is empty")
		}
		if len(el.ChildElements()) > 0 {
			return nil, c.Errorf(el, "use either sequence= or inline mediators, not both")
		}
		c.AddRef(key)
		return staticRef(key), nil
	}
	return c.List(el)
}
