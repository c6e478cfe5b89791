package mediation

import (
	"errors"
	"regexp"
	"testing"
)

// TestRegexFullMatch checks full-match semantics on each engine path: the
// literal fast path, RE2 and the backtracking fallback.
func TestRegexFullMatch(t *testing.T) {
	for _, tc := range []struct {
		name, pattern string
		literal       bool // the fast path must take it
		match, miss   []string
	}{
		{"literal", "GET", true, []string{"GET"}, []string{"get", "GETS", "XGET", "", "GET\n"}},
		{"prefix", "application/.*", true, []string{"application/json", "application/", "application/é\xff"},
			[]string{"text/plain", "application", "application/json\n", "xapplication/json"}},
		{"suffix", ".*json", true, []string{"json", "application/json"}, []string{"jsonx", "a\njson"}},
		{"contains", ".*admin.*", true, []string{"admin", "/t/admin/x"}, []string{"adm", "x\nadmin"}},
		{"dot-star", ".*", true, []string{"", "anything"}, []string{"two\nlines"}},
		{"empty", "", true, []string{""}, []string{"x"}},
		{"escaped", `a\.b`, true, []string{"a.b"}, []string{"axb"}},
		{"fold-case", "(?i)get", false, []string{"GET", "get"}, []string{"post"}},
		{"alternation", "GET|POST", false, []string{"GET", "POST"}, []string{"GETPOST", "PUT"}},
		{"anchored", "^GET$", false, []string{"GET"}, []string{"GETS"}},
		{"class", "b.*", true, []string{"bench", "b"}, []string{"ab"}},
		{"newline-literal-inside", ".*a\nb.*", false, []string{"xa\nby"}, []string{"x\na\nb"}},
		{"dot-plus", "a.+", false, []string{"ab"}, []string{"a"}},
		{"lookahead fallback", `^(?!.*(POST|PUT)).*$`, false, []string{"GET"}, []string{"POST"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := compileRegex(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if (r.lit != nil) != tc.literal {
				t.Errorf("literal fast path = %v, want %v", r.lit != nil, tc.literal)
			}
			for _, s := range tc.match {
				if !r.MatchString(s) {
					t.Errorf("%q does not match %q", s, tc.pattern)
				}
			}
			for _, s := range tc.miss {
				if r.MatchString(s) {
					t.Errorf("%q matches %q", s, tc.pattern)
				}
			}
		})
	}
}

// TestRegexLiteralAgreesWithRE2 runs every fast-path pattern against RE2
// on inputs built from the pattern's own pieces, newlines and invalid UTF-8.
func TestRegexLiteralAgreesWithRE2(t *testing.T) {
	pieces := []string{"", "a", "GET", "json", "application/", "\n", "\xff", "é", ".", "admin", "\r"}
	for _, pattern := range []string{"GET", "application/.*", ".*json", ".*admin.*", ".*", "", `a\.`, "é.*", ".*\xef\xbf\xbd"} {
		r, err := compileRegex(pattern)
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		re := regexp.MustCompile(`^(?:` + pattern + `)$`)
		for _, a := range pieces {
			for _, b := range pieces {
				for _, c := range pieces {
					s := a + b + c
					if got, want := r.MatchString(s), re.MatchString(s); got != want {
						t.Errorf("pattern %q, input %q: %v, RE2 says %v", pattern, s, got, want)
					}
				}
			}
		}
	}
}

func BenchmarkRegexMatch(b *testing.B) {
	for _, tc := range []struct{ name, pattern, input string }{
		{"literal", "GET", "GET"},
		{"prefix", "application/.*", "application/json; charset=UTF-8"},
		{"re2", "GET|POST", "POST"},
	} {
		r, err := compileRegex(tc.pattern)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if !r.MatchString(tc.input) {
					b.Fatal("no match")
				}
			}
		})
	}
}

// TestPatternCache: one compiled form per pattern while there is room, a
// fresh one past the bound, and errors never cached.
func TestPatternCache(t *testing.T) {
	calls := 0
	compile := func(p string) (*string, error) {
		calls++
		if p == "bad" {
			return nil, errors.New("bad pattern")
		}
		return &p, nil
	}
	c := PatternCache[*string]{Max: 2}
	a1, _ := c.Get("a", compile)
	a2, _ := c.Get("a", compile)
	if a1 != a2 || calls != 1 {
		t.Fatalf("a cached pattern compiled again: same=%v calls=%d", a1 == a2, calls)
	}
	for range 2 {
		if _, err := c.Get("bad", compile); err == nil {
			t.Fatal("no error for a bad pattern")
		}
	}
	if calls != 3 {
		t.Fatalf("a compile error was cached: calls=%d", calls)
	}
	c.Get("b", compile)
	c1, _ := c.Get("c", compile) // past the bound: compiled each time
	c2, _ := c.Get("c", compile)
	if c1 == c2 || calls != 6 {
		t.Fatalf("past the bound: same=%v calls=%d", c1 == c2, calls)
	}
}
