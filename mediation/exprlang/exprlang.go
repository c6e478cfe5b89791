// Package exprlang is Synapse's ${...} expression language, compiled onto
// github.com/expr-lang/expr: payload.a.b, $.a, headers["X"], var.x,
// props.<scope>.x, params.queryParams.q and Synapse's functions (length,
// toUpper, subString, base64encode, exists, now...). A program is compiled
// once at deploy time (Compile) and run per request against an Env, the
// message; package mediation binds it to its MessageContext, renders its
// result and records its errors.
package exprlang

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/ohler55/ojg/jp"
)

// Env is what a program reads of the message. mediation's MessageContext
// implements it.
type Env interface {
	// Property reads a property by scope ("default", "transport", "axis2",
	// "operation"); unset is ("", false), which the program sees as nil.
	Property(scope, name string) (string, bool)
	// QueryParam is the request URI's query parameter, decoded; ok false
	// when absent.
	QueryParam(name string) (v string, ok bool)
	// JSON is the payload as JSON values (an XML payload converted as
	// Synapse converts it).
	JSON() (any, error)
}

// Property scopes the rewrite reads, the names of mediation's Scope*
// constants (this package cannot import mediation, which imports it).
const (
	scopeDefault   = "default"
	scopeTransport = "transport"
	scopeAxis2     = "axis2"
	scopeOperation = "operation"
)

// exprEnv is the environment of every ${...} program: one field through
// which the sg* functions reach the message. Values are looked up when the
// program asks for them, never copied into maps up front. The field has
// the caller's concrete type E (mediation's *MessageContext), not Env: a
// struct of one pointer goes into the VM's any without an allocation, one
// holding an interface would cost one per run.
type exprEnv[E Env] struct {
	Env E `expr:"sgmc"`
}

// Bounds on a Synapse expression: AST size at compile time, memory per run.
const (
	exprMaxNodes     = 1000
	exprMemoryBudget = 100_000
)

// Program is a compiled ${...} Synapse expression on expr-lang, run on
// environments of type E. It is immutable: requests run it at once, each
// on a VM of its own.
type Program[E Env] struct {
	prog      *vm.Program
	needsBody bool
	// path: the expression is a plain payload path (see payloadPath), so
	// an object it gives is written in the payload's member order.
	path jp.Expr
}

// Compile compiles body, the text between "${" and "}". The error names
// the expression and what is wrong with it.
func Compile[E Env](body string) (*Program[E], error) {
	if strings.TrimSpace(body) == "" {
		return nil, fmt.Errorf("empty ${} expression")
	}
	toks, err := lexSynExpr(body)
	if err != nil {
		return nil, fmt.Errorf("${%s}: %w", body, err)
	}
	r := &synRewrite{src: body, toks: toks}
	if err := r.run(); err != nil {
		return nil, fmt.Errorf("${%s}: %w", body, err)
	}
	// expr-lang's builtins are off: Synapse has none of them, and the
	// iterating ones (map, filter, reduce...) could loop over a payload
	// without bound.
	opts := append([]expr.Option{expr.Env(exprEnv[E]{}), expr.AsAny(), expr.MaxNodes(exprMaxNodes),
		expr.DisableAllBuiltins()}, exprFuncs...)
	prog, err := expr.Compile(r.out.String(), opts...)
	if err != nil {
		return nil, fmt.Errorf("${%s}: %w", body, err)
	}
	return &Program[E]{prog: prog, needsBody: r.payload, path: payloadPath(toks)}, nil
}

// Run runs the program on env; the result is a Go value (string, number,
// bool, nil, map[string]any, []any). The error is expr-lang's, or a
// function's (subString out of range, a result over its bound...); Synapse
// makes a failed expression evaluate to nothing, which is the caller's to
// do.
func (p *Program[E]) Run(env E) (any, error) {
	machine := vm.VM{MemoryBudget: exprMemoryBudget}
	return machine.Run(p.prog, exprEnv[E]{Env: env})
}

// NeedsBody reports whether the program reads the payload.
func (p *Program[E]) NeedsBody() bool { return p.needsBody }

// Path is the JSONPath of the payload sub-tree the program's result is
// when the whole expression is a plain payload path (payload.a.b, $.a[0]),
// so that an object result can be written in the payload's member order;
// nil for any other expression.
func (p *Program[E]) Path() jp.Expr { return p.path }

// Bool is a result's Synapse truth: booleans as is, "true"/"false" strings
// parsed, other strings by being non-empty, numbers non-zero, nil false,
// other values true.
func Bool(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
		return v != ""
	}
	if f, ok := toFloat(v); ok {
		return f != 0 && !math.IsNaN(f)
	}
	return true
}

// Text is a result's Synapse string form: strings plain, nil "", numbers
// without a needless fraction, objects and arrays as JSON with sorted keys.
func Text(v any) string { return toString(v) }

// normalizeNumber widens Go's numeric kinds to int64/float64 for jsontext.Value.
func normalizeNumber(v any) any {
	switch n := v.(type) {
	case int, int8, int16, int32, uint, uint8, uint16, uint32, uint64:
		f, _ := toFloat(n)
		return int64(f)
	case float32:
		return float64(n)
	}
	return v
}
