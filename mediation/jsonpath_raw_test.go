package mediation_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// TestJSONPathRawMatchesTree: a simple path read from the raw body (the
// gjson fast path) gives what the parsed tree gives, for every value type.
func TestJSONPathRawMatchesTree(t *testing.T) {
	body := `{"id":"o-1","n":42,"f":12.5,"big":12345678901234567890,"ok":true,"no":false,"nil":null,
		"s":"a \"quoted\" \u00e9","items":[{"sku":"A"},{"sku":"B"}],"obj":{"b":1,"a":2},"arr":[3,1]}`
	for _, path := range []string{"$.id", "$.n", "$.f", "$.big", "$.ok", "$.no", "$.nil", "$.s",
		"$.items[1].sku", "$.items[5].sku", "$.missing", "$.obj", "$.arr", "$.items[0]"} {
		t.Run(path, func(t *testing.T) {
			e, err := mediation.CompileJSONPath(path)
			if err != nil {
				t.Fatal(err)
			}
			raw := newMC(t, msg{body: body, ct: "application/json"})
			got, err := e.String(raw)
			if err != nil {
				t.Fatal(err)
			}
			tree := newMC(t, msg{body: body, ct: "application/json"})
			if _, err := tree.JSON(); err != nil { // parsed first: the tree path runs
				t.Fatal(err)
			}
			want, err := e.String(tree)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("raw %q, tree %q", got, want)
			}
		})
	}
}

// TestJSONPathRawBadBodies: the fast path refuses what the parser refuses.
func TestJSONPathRawBadBodies(t *testing.T) {
	e, err := mediation.CompileJSONPath("$.a")
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"malformed": `{"a": nope`,
		"too deep":  `{"a":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.String(newMC(t, msg{body: body, ct: "application/json"}))
			if !errors.Is(err, mediation.ErrBadPayload) {
				t.Fatalf("err = %v, want ErrBadPayload", err)
			}
		})
	}
}
