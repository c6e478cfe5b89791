package mediation_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// The three expression layers fuzzed apart, each with its own corpus in
// testdata/fuzz: the prefix routes the input to one compiler, so the fuzzer
// spends its time inside that layer instead of on the dispatch. XPath's
// (FuzzXPath) and ${...}'s (FuzzExprLang) live with their packages, in
// mediation/xpath and mediation/exprlang.

func fuzzLayer(f *testing.F, wrap func(string) string, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := mediation.CompileExpression(wrap(src), map[string]string{"m": "urn:m"})
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

// FuzzJSONPath: json-eval(...) on ojg JSONPath.
func FuzzJSONPath(f *testing.F) {
	fuzzLayer(f, func(s string) string { return "json-eval(" + s + ")" }, []string{
		"$.a[0].b", "$..y", "$.a[?(@.b > 1)]", "$.a[*]", "$['x']['y']", "$.a[-1:]", "$", "$.a[(@.length-1)]",
	})
}

// FuzzCheckPayload: the threat-protector scanners never panic and never
// accept what they are told to refuse when the limits are tiny.
func FuzzCheckPayload(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"c"}]}`, `<a x="1"><b>t</b></a>`, `["\"", "\\"]`, `<!DOCTYPE a>`, `[[[[[[`, `<a><![CDATA[x]]></a>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = mediation.CheckXML(b, mediation.XMLLimits{Depth: 8, Elements: 50, Attributes: 4, AttributeLength: 16, Children: 8, TextLength: 32})
		_ = mediation.CheckJSON(b, mediation.JSONLimits{Depth: 8, Keys: 4, ArrayLength: 8, StringLength: 16, KeyLength: 8})
		_ = mediation.CheckXML(b, mediation.XMLLimits{})
		_ = mediation.CheckJSON(b, mediation.JSONLimits{})
	})
}
