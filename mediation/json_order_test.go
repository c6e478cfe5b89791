package mediation

import (
	"testing"

	"github.com/ohler55/ojg/oj"
)

// TestAppendJSONOrdered: a value parsed from JSON text and changed is
// written in the text's key order, members the text lacks after them in
// sorted order; numbers as encoding/json writes them.
func TestAppendJSONOrdered(t *testing.T) {
	for _, c := range []struct {
		name, text string
		change     func(v any)
		want       string
	}{
		{"unchanged", `{"zulu":1,"alpha":{"yankee":[{"x":1,"b":2}],"bravo":null},"mike":"m"}`, nil,
			`{"zulu":1,"alpha":{"yankee":[{"x":1,"b":2}],"bravo":null},"mike":"m"}`},
		{"added and removed", `{"zulu":1,"alpha":2,"mike":3}`, func(v any) {
			m := v.(map[string]any)
			delete(m, "alpha")
			m["yankee"], m["bravo"] = 4, 5
		}, `{"zulu":1,"mike":3,"bravo":5,"yankee":4}`},
		{"array item added", `[{"zulu":1,"alpha":2}]`, func(v any) {}, `[{"zulu":1,"alpha":2}]`},
		{"numbers", `{"f":1.5,"small":2.5e-7,"big":1e21,"i":-3,"mid":12345678.5}`, nil,
			`{"f":1.5,"small":2.5e-7,"big":1e+21,"i":-3,"mid":12345678.5}`},
		{"strings escaped once", `{"q":"a\"b<c>\n\u00e9"}`, nil, `{"q":"a\"b<c>\né"}`},
		{"duplicate key: the last value, once", `{"a":1,"b":2,"a":3}`, nil, `{"a":3,"b":2}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := oj.ParseString(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if c.change != nil {
				c.change(v)
			}
			if got := string(AppendJSONOrdered(nil, v, JSONTextOrder([]byte(c.text)))); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestAppendJSONOrderedNoSource: without an order source keys are sorted
// (deterministic output).
func TestAppendJSONOrderedNoSource(t *testing.T) {
	v := map[string]any{"zulu": 1, "alpha": []any{map[string]any{"y": true, "b": nil}}}
	if got, want := string(AppendJSONOrdered(nil, v, nil)), `{"alpha":[{"b":null,"y":true}],"zulu":1}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
