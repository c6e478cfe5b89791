package mediation_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

func TestJSONPathString(t *testing.T) {
	order := msg{body: "@order.json", ct: "application/json"}
	cases := []struct {
		name, expr string
		m          msg
		want       string
		wantBool   bool
	}{
		{"nested field", "json-eval($.order.customer)", order, "Ann Lee", true},
		{"integer number", "json-eval($.order.id)", order, "42", true},
		{"fraction", "json-eval($.order.total)", order, "19.5", true},
		{"boolean", "json-eval($.order.express)", order, "true", true},
		{"index", "json-eval($.items[1].sku)", order, "B-2", true},
		{"object as json", "json-eval($.items[0])", order, `{"sku":"A-1","qty":2,"price":5}`, true}, // the body's key order
		{"deep scan list", "json-eval($..sku)", order, `["A-1","B-2"]`, true},
		{"filter single match", "json-eval($.items[?(@.qty > 1)].sku)", order, "A-1", true},
		{"no match is null", "json-eval($.order.missing)", order, "null", false},
		{"json null is null", "json-eval($.order.note)", order, "null", false},
		{"whole payload", "json-eval($)", msg{body: `{"a":[1,2]}`, ct: "application/json"}, `{"a":[1,2]}`, true},
		// Synapse drops one trailing "." (API-M's SOAP-to-REST template)
		{"whole payload $.", "json-eval($.)", msg{body: `{"a":[1,2]}`, ct: "application/json"}, `{"a":[1,2]}`, true},
		{"trailing dot", "json-eval($.order.id.)", order, "42", true},
		{"empty body", "json-eval($.a)", msg{}, "null", false},
		{"xml payload converted", "json-eval($.order.customer)", msg{body: "<order><customer>Bo</customer><id>7</id></order>", ct: "application/xml"}, "Bo", true},
		{"xml number primitive", "json-eval($.order.id)", msg{body: "<order><id>7</id></order>", ct: "application/xml"}, "7", true},
		{"xml repeated as array", "json-eval($.o.i)", msg{body: "<o><i>1</i><i>2</i></o>", ct: "application/xml"}, "[1,2]", true},
		{"jsonObject unwrapped", "json-eval($.x)", msg{body: "<jsonObject><x>y</x></jsonObject>", ct: "application/xml"}, "y", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.expr, nil)
			if !e.NeedsBody() {
				t.Error("NeedsBody = false")
			}
			mc := newMC(t, tc.m)
			got, err := e.String(mc)
			if err != nil || got != tc.want {
				t.Errorf("String = %q, %v; want %q", got, err, tc.want)
			}
			b, err := e.Bool(mc)
			if err != nil || b != tc.wantBool {
				t.Errorf("Bool = %v, %v; want %v", b, err, tc.wantBool)
			}
		})
	}
}

func TestCompileJSONPath(t *testing.T) {
	mc := newMC(t, msg{body: `{"user":{"name":"x","roles":["a"]}}`, ct: "application/json"})
	cases := []struct {
		path string
		want any
	}{
		{"$.user.name", "x"},
		{"json-eval($.user.name)", "x"},
		{"$.user.roles", []any{"a"}},
		{"$.nope", nil},
		{"$.", map[string]any{"user": map[string]any{"name": "x", "roles": []any{"a"}}}},
		{"json-eval($.)", map[string]any{"user": map[string]any{"name": "x", "roles": []any{"a"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			e, err := mediation.CompileJSONPath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			v, err := e.(mediation.Valuer).Value(mc)
			if err != nil || mediation.JSONText(v) != mediation.JSONText(tc.want) {
				t.Errorf("Value = %#v, %v; want %#v", v, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "$.a[", "json-eval()"} {
		if _, err := mediation.CompileJSONPath(bad); err == nil {
			t.Errorf("CompileJSONPath(%q): no error", bad)
		}
	}
}

func TestJSONPathBadPayload(t *testing.T) {
	e := mustCompile(t, "json-eval($.a)", nil)
	if _, err := e.String(newMC(t, msg{body: `{"a":`, ct: "application/json"})); err == nil {
		t.Error("no error for malformed JSON")
	}
}

// TestJSONString: only an object or array result is structured; a string
// whose text looks like JSON is not (payloadFactory escapes it).
func TestJSONString(t *testing.T) {
	m := msg{ct: "application/json", body: `{"s":"{\",\"admin\":true,\"x\":\"","w":"{\"a\":1}","o":{"a":1},"a":[1],"n":3}`}
	cases := []struct {
		src        string
		want       string
		structured bool
	}{
		{`json-eval($.s)`, `{","admin":true,"x":"`, false},
		{`json-eval($.w)`, `{"a":1}`, false},
		{`json-eval($.o)`, `{"a":1}`, true},
		{`json-eval($.a)`, `[1]`, true},
		{`json-eval($.n)`, `3`, false},
		{`${payload.o}`, `{"a":1}`, true},
		{`${payload.s}`, `{","admin":true,"x":"`, false},
		{`$ctx:p`, `[1, 2]`, true},
		{`$ctx:q`, `[1, 2`, false},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			mm := m
			mm.props = map[string]string{"p": "[1, 2]", "q": "[1, 2"}
			mc := newMC(t, mm)
			s, structured, err := mediation.JSONString(mustCompile(t, c.src, nil), mc)
			if err != nil || s != c.want || structured != c.structured {
				t.Errorf("got %q, %v, %v; want %q, %v", s, structured, err, c.want, c.structured)
			}
		})
	}
}

// TestJSONStringKeepsKeyOrder: an object a simple json-eval path (or $)
// selects from an unparsed JSON body keeps the client's key order, as
// Synapse's payloadFactory does; the parsed tree (Go maps) would sort them.
func TestJSONStringKeepsKeyOrder(t *testing.T) {
	m := msg{ct: "application/json", body: `{"z":1, "o":{"zeta":1,"alpha":{"y":2,"b":[3,{"k":1,"c":2}]}}}`}
	for src, want := range map[string]string{
		`json-eval($.o)`: `{"zeta":1,"alpha":{"y":2,"b":[3,{"k":1,"c":2}]}}`,
		`json-eval($)`:   `{"z":1,"o":{"zeta":1,"alpha":{"y":2,"b":[3,{"k":1,"c":2}]}}}`,
		`json-eval($.z)`: `1`,
	} {
		s, _, err := mediation.JSONString(mustCompile(t, src, nil), newMC(t, m))
		if err != nil || s != want {
			t.Errorf("%s = %q, %v; want %q", src, s, err, want)
		}
	}
}
