package exprlang_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

// The tests evaluate through mediation.CompileExpression on a real
// MessageContext, the way the mediators do: what they check is the
// language as the gateway runs it, the binding to the message included.
// (An external test package may import mediation, which imports exprlang.)

// props are the default-scope properties of the cases.
var props = map[string]string{"a": "alpha", "user": "ann", "pass": "s3cret", "n": "5", "uri.var.id": "7"}

// msg is the message a case runs on.
type msg struct {
	body    string // literal body, or "@file" from mediation/testdata/expr
	ct      string
	uri     string
	headers map[string]string
	props   map[string]string
	axis2   map[string]string
}

func newMC(t testing.TB, m msg) *mediation.MessageContext {
	t.Helper()
	var req fasthttp.Request
	var resp fasthttp.Response
	mc := &mediation.MessageContext{}
	mc.Reset(&req, &resp)
	body := m.body
	if len(body) > 0 && body[0] == '@' {
		// the sample payloads are shared with mediation's own tests
		b, err := os.ReadFile(filepath.Join("..", "testdata", "expr", body[1:]))
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	req.SetBodyString(body)
	if m.ct != "" {
		req.Header.SetContentType(m.ct)
	}
	uri := m.uri
	if uri == "" {
		uri = "http://localhost/shop/1.0/orders"
	}
	req.SetRequestURI(uri)
	req.Header.SetMethod("POST")
	for k, v := range m.headers {
		req.Header.Set(k, v)
	}
	for k, v := range m.props {
		mc.SetProperty(mediation.ScopeDefault, k, v)
	}
	for k, v := range m.axis2 {
		mc.SetProperty(mediation.ScopeAxis2, k, v)
	}
	return mc
}

func mustCompile(t testing.TB, src string, ns map[string]string) mediation.Expression {
	t.Helper()
	e, err := mediation.CompileExpression(src, ns)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	return e
}

func mediationCompile(src string) (mediation.Expression, error) {
	return mediation.CompileExpression(src, nil)
}
