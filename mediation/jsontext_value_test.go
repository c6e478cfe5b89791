package mediation_test

import (
	"math"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/jsontext"
)

// TestJSONTextValue: jsontext.Value, which the ${...} language writes
// values with, gives JSONText's text for every kind of value (they are one
// function until JSONText forwards to it).
func TestJSONTextValue(t *testing.T) {
	for _, v := range []any{
		nil, "", "plain", `q"uote`, true, false, int64(-7), 42, 2.5, 3.0, 1e20, -0.0, math.NaN(), math.Inf(1),
		map[string]any{"z": 1.0, "a": []any{"x", nil, map[string]any{"k": false}}}, []any{}, map[string]any{},
		int32(5), uint8(1), float32(1.5), struct{ A int }{1},
	} {
		if got, want := jsontext.Value(v), mediation.JSONText(v); got != want {
			t.Errorf("%#v: jsontext.Value %q, JSONText %q", v, got, want)
		}
	}
}
