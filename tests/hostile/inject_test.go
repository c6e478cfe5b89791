package hostile

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestPayloadFactoryJSONInjection: an evaluator="json" argument is inserted
// raw into a JSON template only when the JSONPath result is an object or
// array; a client string that merely starts with '{' or '[' (or is itself
// JSON text) is inserted as an escaped string, so it cannot add members to
// the JSON the backend receives (issue 13 item 5).
func TestPayloadFactoryJSONInjection(t *testing.T) {
	seq := apiSeq("Inject", `<payloadFactory media-type="json"><format>{"name":"$1","obj":$2}</format><args>`+
		`<arg evaluator="json" expression="$.name"/><arg evaluator="json" expression="$.obj"/></args></payloadFactory>`)
	g := startSpec(t, spec{seqs: map[string]string{"inject.xml": seq}, apis: []apiSpec{{name: "Inject", ctx: "/inject"}}})
	cases := []struct {
		name, name1 string
		obj         any
	}{
		{"string that opens an object", `{","admin":true,"x":"`, map[string]any{"k": "v"}},
		{"string that opens an array", `[","admin":true,"x":"`, []any{1.0, 2.0}},
		{"string that is a whole object", `{"admin":true}`, map[string]any{}},
		{"plain string", `Ann`, map[string]any{"deep": []any{"x"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, _ := json.Marshal(map[string]any{"name": c.name1, "obj": c.obj})
			raw := req("POST", "/inject/v1/x", "Content-Type: application/json",
				fmt.Sprintf("Content-Length: %d", len(in)), "Connection: close") + string(in)
			g.last.Store(nil)
			if r := send(t, g.traffic, raw, 5*time.Second); r.status != 200 {
				t.Fatalf("status %d body %q", r.status, tail(r.body, 300))
			}
			got := g.last.Load()
			if got == nil {
				t.Fatal("the backend was not called")
			}
			var out map[string]any
			if err := json.Unmarshal([]byte(got.body), &out); err != nil {
				t.Fatalf("backend received invalid JSON %q: %v", got.body, err)
			}
			want := map[string]any{"name": c.name1, "obj": c.obj}
			if !reflect.DeepEqual(out, want) {
				t.Errorf("backend received %s, want %v (keys %v)", got.body, want, strings.Join(keys(out), ","))
			}
		})
	}
	g.alive()
}

func keys(m map[string]any) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}
