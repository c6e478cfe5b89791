package mediation_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/internal/exprtest"
)

// The three expression layers fuzzed apart, each with its own corpus in
// testdata/fuzz: the prefix routes the input to one compiler, so the fuzzer
// spends its time inside that layer instead of on the dispatch. XPath's
// (FuzzXPath) and ${...}'s (FuzzExprLang) live with their packages, in
// mediation/xpath and mediation/exprlang.

// FuzzJSONPath: json-eval(...) on ojg JSONPath.
func FuzzJSONPath(f *testing.F) {
	exprtest.FuzzLayer(f, func(s string) string { return "json-eval(" + s + ")" }, []string{
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
