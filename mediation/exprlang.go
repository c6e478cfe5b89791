package mediation

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/ohler55/ojg/jp"
	"go.uber.org/zap"
)

// exprEnv is the environment of every ${...} program: one value-type field
// through which the sg* functions reach the message. Values are looked up
// when the program asks for them, never copied into maps up front.
type exprEnv struct {
	MC *MessageContext `expr:"sgmc"`
}

// Bounds on a Synapse expression: AST size at compile time, memory per run.
const (
	exprMaxNodes     = 1000
	exprMemoryBudget = 100_000
)

// exprLang is a compiled ${...} Synapse expression on expr-lang.
type exprLang struct {
	src       string
	prog      *vm.Program
	needsBody bool
	// path: the expression is a plain payload path (see payloadPath), so
	// an object it gives is written in the payload's member order.
	path jp.Expr
}

func compileExprLang(src, body string) (Expression, error) {
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
	opts := append([]expr.Option{expr.Env(exprEnv{}), expr.AsAny(), expr.MaxNodes(exprMaxNodes),
		expr.DisableAllBuiltins()}, exprFuncs...)
	prog, err := expr.Compile(r.out.String(), opts...)
	if err != nil {
		return nil, fmt.Errorf("${%s}: %w", body, err)
	}
	return &exprLang{src: src, prog: prog, needsBody: r.payload, path: payloadPath(toks)}, nil
}

// Value runs the program. An evaluation error gives nil, as Synapse gives
// an empty result rather than failing the mediation.
//
// The error is not lost: a traced request (dry-run, trace header) gets an
// "expression" step with it, and the request's logger a debug line, so a
// typo in ${...} can be found without changing what the mediation does.
func (e *exprLang) Value(mc *MessageContext) (any, error) {
	machine := vm.VM{MemoryBudget: exprMemoryBudget}
	out, err := machine.Run(e.prog, exprEnv{MC: mc})
	if err != nil {
		e.noteError(mc, err)
		return nil, nil
	}
	return out, nil
}

// noteError records an evaluation error in the trace and at debug level.
func (e *exprLang) noteError(mc *MessageContext, err error) {
	if mc == nil {
		return
	}
	if mc.Trace != nil {
		mc.Trace.Event(mc, "expression", fmt.Sprintf("error: %s: %v (evaluates to nothing)", e.src, firstLine(err.Error())))
	}
	if mc.Logger != nil {
		if ce := mc.Logger.Check(zap.DebugLevel, "expression failed, evaluates to nothing"); ce != nil {
			ce.Write(zap.String("expression", e.src), zap.String("error", firstLine(err.Error())))
		}
	}
}

// firstLine cuts expr-lang's multi-line error (source excerpt and caret)
// to its message.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// String renders the result: strings plain, numbers without a needless
// fraction, objects and arrays as JSON (a payload path's in the payload's
// member order, see payloadPath), nothing as "".
func (e *exprLang) String(mc *MessageContext) (string, error) {
	v, _ := e.Value(mc)
	if v == nil {
		return "", nil
	}
	return e.text(mc, v), nil
}

// Bool: booleans as is, "true"/"false" strings parsed, numbers non-zero,
// other values by presence.
func (e *exprLang) Bool(mc *MessageContext) (bool, error) {
	v, _ := e.Value(mc)
	switch v := v.(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b, nil
		}
		return v != "", nil
	}
	if f, ok := toFloat(v); ok {
		return f != 0 && !math.IsNaN(f), nil
	}
	return true, nil
}

func (e *exprLang) NeedsBody() bool { return e.needsBody }
func (e *exprLang) Source() string  { return e.src }

// normalizeNumber widens Go's numeric kinds to int64/float64 for JSONText.
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
