package mediators

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// property is <property>: set or remove a property in a scope. default (and
// operation) is the Synapse message-context map; transport is an HTTP header
// of the current message; axis2 (and axis2-client) holds the Axis2 values,
// whose magic names (HTTP_SC, messageType, REST_URL_POSTFIX...) act on the
// message, as mediation.MessageContext implements. A literal value is
// converted by type= when the sequence is deployed, an expression result on
// every request (after pattern=/group=, which Synapse applies to
// expressions only).
type property struct {
	name   nameOrExpr
	scope  string
	remove bool
	val    valueOrExpr // a literal is already converted
	typ    propType
	re     *mediation.Regex
	group  int
}

func init() { mediation.Register("property", newProperty) }

// Mediate implements mediation.Mediator.
func (p *property) Mediate(mc *mediation.MessageContext) (bool, error) {
	name, err := p.name.value(mc)
	if err != nil {
		return false, fmt.Errorf("property name: %w", err)
	}
	if name == "" {
		return false, fmt.Errorf("property name %q evaluated to an empty string", p.name.expr.Source())
	}
	if p.remove {
		mc.RemoveProperty(p.scope, name)
		return true, nil
	}
	v, err := p.value(mc)
	if err != nil {
		return false, fmt.Errorf("property %q: %w", name, err)
	}
	mc.SetProperty(p.scope, name, v)
	return true, nil
}

func (p *property) value(mc *mediation.MessageContext) (string, error) {
	if p.val.expr == nil {
		return p.val.value, nil
	}
	s, err := p.val.expr.String(mc)
	if err != nil {
		return "", err
	}
	if p.re != nil {
		s = p.re.FindGroup(s, p.group)
	}
	return p.typ.convert(s)
}

func newProperty(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	name, err := compileNameOrExpr(el, c, "name")
	if err != nil {
		return nil, err
	}
	p := &property{name: name}
	if p.scope, err = propertyScope(el, c); err != nil {
		return nil, err
	}
	switch action, _ := mediation.Attr(el, "action"); action {
	case "", "set":
	case "remove":
		p.remove = true
		return p, nil
	default:
		return nil, c.Errorf(el, "invalid action %q; want set or remove", action)
	}
	if err := p.compileType(el, c); err != nil {
		return nil, err
	}
	if err := p.compileValue(el, c); err != nil {
		return nil, err
	}
	return p, p.compilePattern(el, c)
}

// propertyScope maps scope= to the scope mediation.MessageContext knows.
func propertyScope(el *etree.Element, c *mediation.Compiler) (string, error) {
	s, _ := mediation.Attr(el, "scope")
	switch s {
	case "", "default", "operation":
		return mediation.ScopeDefault, nil
	case "transport":
		return mediation.ScopeTransport, nil
	case "axis2", "axis2-client":
		return mediation.ScopeAxis2, nil
	case "env", "file":
		return "", c.Errorf(el, "scope %q is read-only; read it with get-property('%s', name)", s, s)
	case "registry", "system", "analytics", "trace":
		return "", c.Errorf(el, "scope %q is not supported for writing", s)
	}
	return "", c.Errorf(el, "invalid scope %q; want default, transport, axis2, axis2-client or operation", s)
}

func (p *property) compileType(el *etree.Element, c *mediation.Compiler) error {
	t, ok := mediation.Attr(el, "type")
	if !ok {
		return nil
	}
	typ, known := propTypes[strings.ToUpper(strings.TrimSpace(t))]
	if !known {
		return c.Errorf(el, "invalid type %q; want STRING, INTEGER, BOOLEAN, DOUBLE, FLOAT, LONG, SHORT, JSON or OM", t)
	}
	p.typ = typ
	return nil
}

// compileValue takes value=, else one inline XML element (type OM), else
// expression=: Synapse's order of precedence.
func (p *property) compileValue(el *etree.Element, c *mediation.Compiler) error {
	inline := el.ChildElements()
	_, hasVal := mediation.Attr(el, "value")
	switch {
	case !hasVal && len(inline) > 1:
		return c.Errorf(el, "only one inline XML element is allowed")
	case !hasVal && len(inline) == 1:
		s, err := serializeElement(inline[0])
		if err != nil {
			return c.Errorf(inline[0], "%v", err)
		}
		p.val, p.typ = valueOrExpr{value: s}, typeOM
		return nil
	}
	v, ok, err := compileValueOrExpr(el, c)
	if err != nil {
		return err
	}
	if !ok {
		return c.Errorf(el, "a value, an expression or an inline XML element is required")
	}
	if v.expr == nil {
		conv, err := p.typ.convert(v.value)
		if err != nil {
			return c.Errorf(el, "value=%q: type %s: %v", v.value, typeName(p.typ), err)
		}
		v.value = conv
	}
	p.val = v
	return nil
}

func (p *property) compilePattern(el *etree.Element, c *mediation.Compiler) error {
	pattern, hasPattern := mediation.Attr(el, "pattern")
	group, hasGroup := mediation.Attr(el, "group")
	if hasGroup && !hasPattern {
		return c.Errorf(el, "group requires pattern")
	}
	if !hasPattern {
		return nil
	}
	re, err := mediation.CompileRegex(pattern)
	if err != nil {
		return c.Errorf(el, "pattern=%q: %v", pattern, err)
	}
	p.re = re
	if hasGroup {
		g, err := strconv.Atoi(strings.TrimSpace(group))
		if err != nil || g < 0 {
			return c.Errorf(el, "group=%q: %v", group, errors.New("want a number >= 0"))
		}
		p.group = g
	}
	return nil
}

func typeName(t propType) string {
	for name, v := range propTypes {
		if v == t {
			return name
		}
	}
	return "STRING"
}
