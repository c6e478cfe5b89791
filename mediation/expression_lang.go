package mediation

import (
	"fmt"
	"strings"

	"github.com/ohler55/ojg/jp"
	"github.com/seqgate/seqgate/mediation/exprlang"
	"go.uber.org/zap"
)

// exprLang binds a compiled ${...} Synapse expression (package exprlang)
// to the message: the MessageContext is its exprlang.Env; the result is
// written here, a payload path's object in the payload's member order, and
// a failed run is recorded in the trace and the log.
type exprLang struct {
	src  string
	prog *exprlang.Program[*MessageContext]
	// path: the expression is a plain payload path (Program.Path), so an
	// object it gives is written in the payload's member order.
	path jp.Expr
}

func compileExprLang(src, body string) (Expression, error) {
	p, err := exprlang.Compile[*MessageContext](body)
	if err != nil {
		return nil, err
	}
	return &exprLang{src: src, prog: p, path: p.Path()}, nil
}

// Value runs the program. An evaluation error gives nil, as Synapse gives
// an empty result rather than failing the mediation.
//
// The error is not lost: a traced request (dry-run, trace header) gets an
// "expression" step with it, and the request's logger a debug line, so a
// typo in ${...} can be found without changing what the mediation does.
func (e *exprLang) Value(mc *MessageContext) (any, error) {
	out, err := e.prog.Run(mc)
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
// member order), nothing as "".
func (e *exprLang) String(mc *MessageContext) (string, error) {
	v, _ := e.Value(mc)
	if v == nil {
		return "", nil
	}
	return e.text(mc, v), nil
}

// Bool is exprlang.Bool of the result: booleans as is, "true"/"false"
// strings parsed, numbers non-zero, other values by presence.
func (e *exprLang) Bool(mc *MessageContext) (bool, error) {
	v, _ := e.Value(mc)
	return exprlang.Bool(v), nil
}

func (e *exprLang) NeedsBody() bool { return e.prog.NeedsBody() }
func (e *exprLang) Source() string  { return e.src }

// text renders v, the program's result, as String does: a structured
// result of a payload path in the payload's member order, anything else
// as exprlang.Text (sorted keys for computed objects).
func (e *exprLang) text(mc *MessageContext, v any) string {
	if e.path != nil && isStructured(v) {
		if src := PayloadOrder(mc); src != nil {
			return string(AppendJSONOrdered(nil, v, orderAt(src, e.path)))
		}
	}
	return exprlang.Text(v)
}
