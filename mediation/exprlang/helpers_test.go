package exprlang_test

import (
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/internal/exprtest"
)

// The tests evaluate through mediation.CompileExpression on a real
// MessageContext (exprtest), the way the mediators do: what they check is
// the language as the gateway runs it, the binding to the message included.

type msg = exprtest.Msg

var (
	props       = exprtest.Props
	newMC       = exprtest.NewMC
	mustCompile = exprtest.MustCompile
)

func mediationCompile(src string) (mediation.Expression, error) {
	return mediation.CompileExpression(src, nil)
}
