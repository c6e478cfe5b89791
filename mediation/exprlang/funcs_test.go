package exprlang

import (
	"strings"
	"testing"
)

// TestReplaceBounded: replace() sizes its result first; one that would pass
// maxExprString is an error (an empty value in a sequence), not 16 MiB.
func TestReplaceBounded(t *testing.T) {
	cases := []struct {
		name         string
		s, old, repl string
		wantErr      bool
	}{
		{"shrinks", strings.Repeat("ab", 1000), "b", "", false},
		{"grows a little", strings.Repeat("a", 1000), "a", "bb", false},
		{"grows past the bound", strings.Repeat("a", 4096), "a", strings.Repeat("r", 4096), true},
		{"empty old grows past the bound", strings.Repeat("a", 4096), "", strings.Repeat("r", 4096), true},
		{"at the bound", strings.Repeat("a", 1024), "a", strings.Repeat("r", 1024), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fnReplace(tc.s, tc.old, tc.repl)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && got != strings.ReplaceAll(tc.s, tc.old, tc.repl) {
				t.Error("result differs from strings.ReplaceAll")
			}
		})
	}
}
