package sequences

import (
	"errors"
	"fmt"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// Test-only mediators under names no real mediator can take (a dot in the
// element name). They let this package's tests compile and run sequences
// without depending on mediation/mediators.
func init() {
	mediation.Register("t.mark", compileMark)
	mediation.Register("t.fail", compileFail)
	mediation.Register("t.call", compileCall)
	mediation.Register("t.dyn", compileDyn)
	mediation.Register("t.body", func(_ *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		c.NeedsBody = true
		return mark{"t.body", "seen"}, nil
	})
	mediation.Register("t.block", func(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		return c.List(el)
	})
}

// mark sets a default-scope property.
type mark struct{ name, value string }

func compileMark(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	name, ok := mediation.Attr(el, "name")
	if !ok || name == "" {
		return nil, c.Errorf(el, "attribute name is required")
	}
	value, _ := mediation.Attr(el, "value")
	return mark{name, value}, nil
}

func (m mark) Mediate(mc *mediation.MessageContext) (bool, error) {
	mc.Props.Set(m.name, m.value)
	return true, nil
}

// fail returns an error, with a Synapse error code when code= is given.
type fail struct{ code string }

type codedError struct{ code string }

func (e codedError) Error() string     { return "backend failed\nsecond line" }
func (e codedError) ErrorCode() string { return e.code }

func compileFail(el *etree.Element, _ *mediation.Compiler) (mediation.Mediator, error) {
	code, _ := mediation.Attr(el, "code")
	return fail{code}, nil
}

func (f fail) Mediate(*mediation.MessageContext) (bool, error) {
	if f.code != "" {
		return false, codedError{f.code}
	}
	return false, errors.New("t.fail failed")
}

// call runs the sequence named key= (a static reference).
type call struct{ key string }

func compileCall(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	key, _ := mediation.Attr(el, "key")
	c.AddRef(key)
	return call{key}, nil
}

func (m call) Mediate(mc *mediation.MessageContext) (bool, error) {
	s := mc.Sequences.Sequence(m.key)
	if s == nil {
		return false, fmt.Errorf("sequence %q not found", m.key)
	}
	return s.Mediate(mc)
}

// dyn runs the sequence named by property prop= (a dynamic key: no Ref).
type dyn struct{ prop string }

func compileDyn(el *etree.Element, _ *mediation.Compiler) (mediation.Mediator, error) {
	p, _ := mediation.Attr(el, "prop")
	return dyn{p}, nil
}

func (m dyn) Mediate(mc *mediation.MessageContext) (bool, error) {
	key, _ := mc.Props.Get(m.prop)
	return call{key}.Mediate(mc)
}
