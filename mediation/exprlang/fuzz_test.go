package exprlang_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// FuzzExprLang: ${...} expressions on expr-lang.
func FuzzExprLang(f *testing.F) {
	fuzzExprLang(f, []string{
		"payload.a[0].b + 1", `headers["Content-Type"]`, "props.synapse.X == '1' ? 'y' : 'n'",
		"exists(payload.x.y)", "length(payload.a)", "vars.v", "1 / 0", "payload..a", "now()",
	})
}

// fuzzExprLang compiles each input as a ${...} expression (as mediation's
// fuzzLayer does for its layers) and evaluates it on a JSON and an XML
// message: compiled or refused, never a panic; the corpus is
// testdata/fuzz/FuzzExprLang.
func fuzzExprLang(f *testing.F, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := mediation.CompileExpression("${"+src+"}", map[string]string{"m": "urn:m"})
		if err != nil {
			return
		}
		for _, body := range []msg{
			{body: `{"a":[{"b":2}],"x":{"y":"z"}}`, ct: "application/json", props: map[string]string{"X": "1"}},
			{body: `<m:a xmlns:m="urn:m"><m:b k="v">2</m:b><c/></m:a>`, ct: "application/xml"},
		} {
			mc := newMC(t, body)
			_, _ = e.String(mc)
			_, _ = e.Bool(mc)
		}
	})
}
