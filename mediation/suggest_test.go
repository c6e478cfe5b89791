package mediation

import "testing"

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"contxt", "context", 1}, {"", "abc", 3}, {"listn", "listen", 1}, {"abc", "abc", 0}, {"kitten", "sitting", 3}} {
		if got := Levenshtein(c.a, c.b); got != c.d {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
