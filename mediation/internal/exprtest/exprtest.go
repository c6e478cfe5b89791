// Package exprtest builds what the expression tests of mediation,
// mediation/xpath and mediation/exprlang run on: a real MessageContext
// over a fasthttp request, as the gateway makes one, and the expression
// compiled by mediation.CompileExpression, the way mediators compile it.
// The language packages test through it, the binding to the message
// included (their external test packages may import mediation).
package exprtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

// Props are the default-scope properties of the expression cases.
var Props = map[string]string{"a": "alpha", "user": "ann", "pass": "s3cret", "n": "5", "uri.var.id": "7"}

// Msg is the message a case runs on.
type Msg struct {
	Body    string // literal body, or "@file" from mediation/testdata/expr
	CT      string // Content-Type
	URI     string // default http://localhost/shop/1.0/orders
	Headers map[string]string
	Props   map[string]string // default scope
	Axis2   map[string]string
}

// NewMC is a POST of m as a MessageContext.
func NewMC(t testing.TB, m Msg) *mediation.MessageContext {
	t.Helper()
	var req fasthttp.Request
	var resp fasthttp.Response
	mc := &mediation.MessageContext{}
	mc.Reset(&req, &resp)
	body := m.Body
	if len(body) > 0 && body[0] == '@' {
		b, err := os.ReadFile(filepath.Join(samples(), body[1:]))
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	req.SetBodyString(body)
	if m.CT != "" {
		req.Header.SetContentType(m.CT)
	}
	uri := m.URI
	if uri == "" {
		uri = "http://localhost/shop/1.0/orders"
	}
	req.SetRequestURI(uri)
	req.Header.SetMethod("POST")
	for k, v := range m.Headers {
		req.Header.Set(k, v)
	}
	for k, v := range m.Props {
		mc.SetProperty(mediation.ScopeDefault, k, v)
	}
	for k, v := range m.Axis2 {
		mc.SetProperty(mediation.ScopeAxis2, k, v)
	}
	return mc
}

// samples is mediation/testdata/expr, wherever the test runs from.
func samples() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "expr")
}

// MustCompile compiles src as mediators do, failing the test on an error.
func MustCompile(t testing.TB, src string, ns map[string]string) mediation.Expression {
	t.Helper()
	e, err := mediation.CompileExpression(src, ns)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	return e
}

// FuzzLayer fuzzes one expression layer: wrap routes the input to that
// layer's compiler ("${" + s + "}", "json-eval(" + s + ")"), so that the
// fuzzer spends its time inside the layer instead of on the dispatch; a
// compiled expression is evaluated on a JSON and an XML message. Compiled
// or refused, never a panic.
func FuzzLayer(f *testing.F, wrap func(string) string, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := mediation.CompileExpression(wrap(src), map[string]string{"m": "urn:m"})
		if err != nil {
			return
		}
		for _, body := range []Msg{
			{Body: `{"a":[{"b":2}],"x":{"y":"z"}}`, CT: "application/json", Props: map[string]string{"X": "1"}},
			{Body: `<m:a xmlns:m="urn:m"><m:b k="v">2</m:b><c/></m:a>`, CT: "application/xml"},
		} {
			mc := NewMC(t, body)
			_, _ = e.String(mc)
			_, _ = e.Bool(mc)
		}
	})
}
