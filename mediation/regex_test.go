package mediation

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
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

// TestPatternCacheConcurrent gets patterns from many goroutines at once,
// each with patterns of its own besides ones they all share, more distinct
// ones in all than Max so that the past-the-bound path runs too: every Get
// must give the value compiled from its own pattern (never another
// goroutine's), a bad pattern an error every time (compiled again each
// time, never cached) and the cache must stay within Max. Run under -race.
func TestPatternCacheConcurrent(t *testing.T) {
	type compiled struct{ pattern string }
	var badGets, badCompiles atomic.Int64
	compile := func(p string) (*compiled, error) {
		if strings.HasPrefix(p, "bad") {
			badCompiles.Add(1)
			return nil, fmt.Errorf("bad pattern %q", p)
		}
		return &compiled{pattern: p}, nil
	}
	const workers, each, max = 32, 200, 64
	c := PatternCache[*compiled]{Max: max}
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var p string
				switch i % 4 {
				case 0:
					p = fmt.Sprintf("shared-%d", i%8) // every goroutine's
				case 1, 2:
					p = fmt.Sprintf("own-%d-%d", w, i%25) // this goroutine's: 32*25 in all, past Max
				case 3:
					p = fmt.Sprintf("bad-%d-%d", w, i%3)
				}
				v, err := c.Get(p, compile)
				if strings.HasPrefix(p, "bad") {
					badGets.Add(1)
					if err == nil {
						errs <- fmt.Sprintf("worker %d: %q gave no error (value %v)", w, p, v)
						return
					}
					continue
				}
				if err != nil || v == nil || v.pattern != p {
					errs <- fmt.Sprintf("worker %d: Get(%q) = %+v, %v", w, p, v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if g, n := badGets.Load(), badCompiles.Load(); g != n {
		t.Errorf("bad patterns: %d gets, %d compiles: an error was cached", g, n)
	}
	stored := 0
	c.m.Range(func(k, v any) bool {
		stored++
		if v.(*compiled).pattern != k.(string) {
			t.Errorf("cached under %q: the value of %q", k, v.(*compiled).pattern)
		}
		return true
	})
	if stored != max || c.n != max {
		t.Errorf("cache holds %d entries (counted %d), want Max=%d", stored, c.n, max)
	}
}

// TestCompileRegexConcurrent matches distinct inputs against distinct
// patterns (literal fast path, RE2, backtracking fallback; some patterns
// shared by all goroutines) through CompileRegex from many goroutines at
// once, and checks each answer against regexp.MustCompile of the same
// pattern (the fallback against what its look-ahead means). Run under -race.
func TestCompileRegexConcurrent(t *testing.T) {
	const workers, each = 32, 200
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fail := func(f string, a ...any) { errs <- fmt.Sprintf("worker %d: ", w) + fmt.Sprintf(f, a...) }
			for i := range each {
				inputs := []string{fmt.Sprintf("w%d-i%d", w, i), fmt.Sprintf("w%d-i%d", (w+1)%workers, i), "GET"}
				for _, p := range []string{
					fmt.Sprintf("w%d-i%d", w, i%20),   // literal, this goroutine's
					fmt.Sprintf("w%d-.*", w),          // literal prefix
					fmt.Sprintf(".*-i%d", i%10),       // literal suffix, shared
					fmt.Sprintf(`(w%d|x)-i[0-9]+`, w), // RE2
					fmt.Sprintf(`w%d-i(\d+)`, w),      // RE2 with a group
					"GET|POST",                        // shared
				} {
					r, err := CompileRegex(p)
					if err != nil {
						fail("%q: %v", p, err)
						return
					}
					if r.String() != p {
						fail("CompileRegex(%q) gave the Regex of %q", p, r.String())
						return
					}
					re := regexp.MustCompile(`^(?:` + p + `)$`)
					for _, s := range inputs {
						if got, want := r.MatchString(s), re.MatchString(s); got != want {
							fail("%q on %q: %v, regexp says %v", p, s, got, want)
							return
						}
						want := ""
						if m := re.FindStringSubmatch(s); len(m) > 1 {
							want = m[1]
						}
						if got := r.FindGroup(s, 1); got != want {
							fail("%q on %q: group 1 = %q, regexp says %q", p, s, got, want)
							return
						}
					}
				}
				// The backtracking fallback: look-ahead RE2 has not.
				p := fmt.Sprintf(`^(?!.*w%d-).*$`, w)
				r, err := CompileRegex(p)
				if err != nil || r.String() != p {
					fail("CompileRegex(%q) = %v, %v", p, r, err)
					return
				}
				for _, s := range inputs {
					if got, want := r.MatchString(s), !strings.Contains(s, fmt.Sprintf("w%d-", w)); got != want {
						fail("%q on %q: %v, want %v", p, s, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
