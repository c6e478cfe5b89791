package mediators

import (
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// classMediator is <class name="fqcn">: the Go mediator registered under
// that Java class name with mediation.RegisterClass. The <property>
// children are compiled here (literal or expression) and handed to the
// class's factory once, as Synapse calls the setters once at init. An
// unknown class is a deploy error naming it: silently skipping a class
// could skip a security check.
type classMediator struct {
	name string
	m    mediation.Mediator
}

func init() { mediation.Register("class", newClass) }

// Mediate implements mediation.Mediator: the class's result is the result.
func (c *classMediator) Mediate(mc *mediation.MessageContext) (bool, error) {
	return c.m.Mediate(mc)
}

func newClass(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	name, _ := mediation.Attr(el, "name")
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, c.Errorf(el, "name attribute is required")
	}
	if strings.HasPrefix(name, wasmClassPrefix) {
		props, err := classProperties(el, c)
		if err != nil {
			return nil, err
		}
		return newWasmClass(el, c, name, props) // a module from the repository (wasm_class.go)
	}
	f, ok := mediation.LookupClass(name)
	if !ok {
		return nil, c.Errorf(el, "%s", mediation.UnknownClassError(name))
	}
	props, err := classProperties(el, c)
	if err != nil {
		return nil, err
	}
	m, err := f(props)
	if err != nil {
		return nil, c.Errorf(el, "class %s: %v", name, err)
	}
	return &classMediator{name: name, m: m}, nil
}

// classProperties compiles the <property> children; anything else inside
// <class> is an error, since Synapse would reject it too.
func classProperties(el *etree.Element, c *mediation.Compiler) ([]mediation.ClassProperty, error) {
	var props []mediation.ClassProperty
	for _, ch := range el.ChildElements() {
		if ch.Tag == "description" && mediation.IsSynapse(ch) {
			continue
		}
		if ch.Tag != "property" || !mediation.IsSynapse(ch) {
			return nil, c.Errorf(ch, "only <property> children are allowed in <class>")
		}
		n, _ := mediation.Attr(ch, "name")
		if strings.TrimSpace(n) == "" {
			return nil, c.Errorf(ch, "name attribute is required")
		}
		v, ok, err := compileValueOrExpr(ch, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, c.Errorf(ch, "a value or an expression is required")
		}
		props = append(props, mediation.ClassProperty{Name: n, Value: v.value, HasValue: v.expr == nil, Expr: v.expr})
	}
	return props, nil
}
