package exprlang_test

import (
	"testing"
)

// TestExprLangPayloadOrder: an object or array a ${...} payload path
// selects is written in the payload's member order (the JSON body's text,
// or the XML payload's document order); computed objects keep sorted keys.
func TestExprLangPayloadOrder(t *testing.T) {
	const jsonBody = `{"zulu":{"yankee":1,"alpha":{"mike":2,"bravo":3}},"items":[{"sku":"b","qty":2,"attrs":{"z":1,"a":2}}],"a b":{"y":1,"x":2}}`
	const xmlBody = `<order id="o-1"><zulu>1</zulu><alpha><yankee>2</yankee><bravo>x</bravo></alpha><line>b</line><line>a</line></order>`
	cases := []struct {
		name, ct, body, expr, want string
	}{
		{"whole payload", "application/json", jsonBody, "${payload}", jsonBody},
		{"dollar root", "application/json", jsonBody, "${$}", jsonBody},
		{"nested object", "application/json", jsonBody, "${payload.zulu}", `{"yankee":1,"alpha":{"mike":2,"bravo":3}}`},
		{"dollar path", "application/json", jsonBody, "${$.zulu.alpha}", `{"mike":2,"bravo":3}`},
		{"array", "application/json", jsonBody, "${payload.items}", `[{"sku":"b","qty":2,"attrs":{"z":1,"a":2}}]`},
		{"array item", "application/json", jsonBody, "${payload.items[0]}", `{"sku":"b","qty":2,"attrs":{"z":1,"a":2}}`},
		{"negative index", "application/json", jsonBody, "${payload.items[-1].attrs}", `{"z":1,"a":2}`},
		{"bracket names", "application/json", jsonBody, `${payload["zulu"]['alpha']}`, `{"mike":2,"bravo":3}`},
		{"bracket with space", "application/json", jsonBody, `${$["a b"]}`, `{"y":1,"x":2}`},
		{"xml document order", "application/xml", xmlBody, "${payload.order}", `{"@id":"o-1","zulu":1,"alpha":{"yankee":2,"bravo":"x"},"line":["b","a"]}`},
		{"xml nested", "application/xml", xmlBody, "${payload.order.alpha}", `{"yankee":2,"bravo":"x"}`},
		{"primitive unchanged", "application/json", jsonBody, "${payload.zulu.alpha.mike}", "2"},
		{"missing is empty", "application/json", jsonBody, "${payload.nope}", ""},
		// Not a path: the value is computed, it has no source order.
		{"conditional sorted", "application/json", jsonBody, "${true ? payload.zulu : null}", `{"alpha":{"bravo":3,"mike":2},"yankee":1}`},
		{"computed index sorted", "application/json", jsonBody, "${payload.items[1-1].attrs}", `{"a":2,"z":1}`},
		{"literal map sorted", "application/json", jsonBody, `${{"z": 1, "a": 2}}`, `{"a":2,"z":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.expr, nil)
			got, err := e.String(newMC(t, msg{Body: tc.body, CT: tc.ct}))
			if err != nil || got != tc.want {
				t.Errorf("String = %s, %v\nwant %s", got, err, tc.want)
			}
		})
	}
}
