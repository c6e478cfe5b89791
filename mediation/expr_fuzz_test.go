package mediation_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// FuzzCompileExpression: any string compiles to an expression or an error,
// and a compiled expression evaluates without panicking.
func FuzzCompileExpression(f *testing.F) {
	for _, s := range []string{
		"concat(get-property('a'),'-',$trp:X)", "boolean($ctx:X)", "//jsonObject/order/id",
		"$body/jsonObject/x", "string-length($ctx:x) > 0", "count(//item)", "base64Encode(concat($ctx:u,':',$ctx:p))",
		"get-property('SYSTEM_DATE', 'yyyy-MM-dd')", "json-eval($.a[?(@.b > 1)])", "json-eval($..x)",
		"${payload.a + 1}", `${headers["Content-Type"]}`, "${props.synapse.x ? 1 : 2}", "$url:q", "get-property(",
		"fn:concat('a', 'b')", "${exists(payload.x.y)}", "'unterminated", "$", "${}", "2 * * 3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := mediation.CompileExpression(src, map[string]string{"m": "urn:m"})
		if err != nil {
			return
		}
		if e == nil {
			t.Fatal("nil expression without error")
		}
		mc := newMC(t, msg{body: `{"a":[{"b":2}],"x":{"y":"z"}}`, ct: "application/json", props: map[string]string{"X": "1"}})
		_, _ = e.String(mc)
		_, _ = e.Bool(mc)
	})
}
