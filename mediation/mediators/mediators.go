// Package mediators holds the built-in Synapse mediators: aggregate,
// builder, cache, call, callout, class (Go classes and wasm: modules),
// clone, drop, enrich, filter, foreach, header, in/out, iterate, log,
// loopback, makefault, payloadFactory, property, respond, script, send,
// sequence, switch, throttle and validate. Each file registers one mediator
// in init() under its XML element name; importing the package (for its
// side effect) makes them available to mediation.Compiler. README.md says
// how to add one.
//
// Every factory does its parsing, validation and expression compilation at
// deploy time; Mediate only evaluates.
package mediators

import (
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// nameOrExpr is a name= or key= attribute that is either a literal or, when
// written as {expr}, an expression evaluated per request (Synapse's
// ValueFactory / MediatorPropertyUtils.isDynamicName).
type nameOrExpr struct {
	static string
	expr   mediation.Expression
}

// compileNameOrExpr reads attribute attr of el; a missing or empty attribute
// is an error, named after the attribute.
func compileNameOrExpr(el *etree.Element, c *mediation.Compiler, attr string) (nameOrExpr, error) {
	v, ok := mediation.Attr(el, attr)
	if !ok || strings.TrimSpace(v) == "" {
		return nameOrExpr{}, c.Errorf(el, "%s attribute is required", attr)
	}
	t := strings.TrimSpace(v)
	if len(t) > 2 && t[0] == '{' && t[len(t)-1] == '}' {
		e, err := c.ExprString(el, attr, t[1:len(t)-1])
		if err != nil {
			return nameOrExpr{}, err
		}
		return nameOrExpr{expr: e}, nil
	}
	return nameOrExpr{static: v}, nil
}

// value returns the literal or the expression's string value for this request.
func (n nameOrExpr) value(mc *mediation.MessageContext) (string, error) {
	if n.expr == nil {
		return n.static, nil
	}
	return n.expr.String(mc)
}

// valueOrExpr is a value= / expression= pair: exactly one is used.
type valueOrExpr struct {
	value string
	expr  mediation.Expression
}

// compileValueOrExpr reads value= or expression= of el. As in Synapse's
// factories, value wins when both are written (API-M's own regex_policy
// sequence does that) and the expression is then not compiled. Neither
// gives ok=false so the caller can decide (remove needs none).
func compileValueOrExpr(el *etree.Element, c *mediation.Compiler) (v valueOrExpr, ok bool, err error) {
	if val, hasVal := mediation.Attr(el, "value"); hasVal {
		return valueOrExpr{value: val}, true, nil
	}
	e, err := c.Expr(el, "expression")
	if err != nil || e == nil {
		return v, false, err
	}
	return valueOrExpr{expr: e}, true, nil
}

// eval returns the literal or the expression's string value.
func (v valueOrExpr) eval(mc *mediation.MessageContext) (string, error) {
	if v.expr == nil {
		return v.value, nil
	}
	return v.expr.String(mc)
}

// boolAttr reads an optional true/false attribute.
func boolAttr(el *etree.Element, c *mediation.Compiler, name string, dflt bool) (bool, error) {
	v, ok := mediation.Attr(el, name)
	if !ok {
		return dflt, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, c.Errorf(el, "%s=%q: want true or false", name, v)
}

// synapseChild returns the first child element of el with the given local
// name in the Synapse namespace (or none).
func synapseChild(el *etree.Element, tag string) *etree.Element {
	for _, ch := range el.ChildElements() {
		if ch.Tag == tag && mediation.IsSynapse(ch) {
			return ch
		}
	}
	return nil
}
