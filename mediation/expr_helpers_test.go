package mediation_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/internal/exprtest"
)

// props are the default-scope properties of the expression cases.
var props = exprtest.Props

// msg is the message a case runs on (exprtest.Msg, with the short field
// names these tests were written with).
type msg struct {
	body    string // literal body, or "@file" from testdata/expr
	ct      string
	uri     string
	headers map[string]string
	props   map[string]string
	axis2   map[string]string
}

func newMC(t testing.TB, m msg) *mediation.MessageContext {
	t.Helper()
	return exprtest.NewMC(t, exprtest.Msg{Body: m.body, CT: m.ct, URI: m.uri, Headers: m.headers, Props: m.props, Axis2: m.axis2})
}

var mustCompile = exprtest.MustCompile

func mediationCompile(src string) (mediation.Expression, error) {
	return mediation.CompileExpression(src, nil)
}
