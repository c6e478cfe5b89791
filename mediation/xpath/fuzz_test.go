package xpath_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// FuzzXPath: Synapse XPath (get-property, $ctx:, $trp:, $body, functions).
func FuzzXPath(f *testing.F) {
	fuzzXPath(f, []string{
		"//m:b/@k", "count(//*)", "concat($ctx:X, $trp:Host, $axis2:HTTP_SC)", "$body/*[1]",
		"get-property('transport', 'Content-Type')", "string-length(//c) = 0", "//b[position() > 1]",
		"substring-before(//m:b, '2')", "$header/foo", "translate('abc','a','b')",
	})
}

// fuzzXPath compiles each input as an XPath (as mediation's fuzzLayer does
// for its layers) and evaluates it on a JSON and an XML message: compiled
// or refused, never a panic; the corpus is testdata/fuzz/FuzzXPath.
func fuzzXPath(f *testing.F, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := mediation.CompileExpression(src, map[string]string{"m": "urn:m"})
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
