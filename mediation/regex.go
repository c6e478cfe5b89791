package mediation

import (
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
)

// Regex is a compiled Java-style regular expression used with full-match
// semantics (Java's matcher.matches()), as filter, switch and property
// pattern= need. RE2 (Go's regexp) runs every pattern it can; patterns it
// cannot (look-ahead such as ^(?!.*(POST|PUT|PATCH)).*$, which the API-M
// default sequences use) fall back to regexp2, a backtracking engine, bounded
// by a match timeout so a hostile input cannot hang a request.
type Regex struct {
	src string
	re  *regexp.Regexp
	re2 *regexp2.Regexp
	// lit answers MatchString without an engine for the shapes most
	// sequences use (regex="GET", "application/.*"); nil otherwise.
	lit *literalMatch
}

// RegexTimeout bounds one backtracking match.
const RegexTimeout = 50 * time.Millisecond

// regexCache shares one compiled Regex per pattern: both engines' compiled
// forms are safe for concurrent use, and 10,000 deployed sequences tend to
// repeat a handful of patterns (the scale benchmark spent half its live heap
// on 20,000 copies of two).
var regexCache = PatternCache[*Regex]{Max: 4096}

// CompileRegex compiles pattern for full matching, or returns the shared
// compiled form of a pattern seen before.
func CompileRegex(pattern string) (*Regex, error) { return regexCache.Get(pattern, compileRegex) }

// PatternCache shares one compiled form per pattern string, up to Max
// patterns: past the bound a pattern compiles uncached, so endless hot
// reloads (or run-time patterns) with new patterns cannot grow it without
// limit. A hit takes no lock. The one cache behind every compiled-pattern
// cache (CompileRegex here, the RegularExpressionProtector's search
// patterns in mediators); the value must be safe for concurrent use.
type PatternCache[T any] struct {
	Max int
	m   sync.Map // pattern -> T
	mu  sync.Mutex
	n   int // entries stored
}

// Get returns the cached form of pattern, or compiles it and keeps it while
// the cache has room. A compile error is returned and not cached.
func (c *PatternCache[T]) Get(pattern string, compile func(string) (T, error)) (T, error) {
	if v, ok := c.m.Load(pattern); ok {
		return v.(T), nil
	}
	v, err := compile(pattern)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n < c.Max {
		actual, loaded := c.m.LoadOrStore(pattern, v)
		if loaded {
			return actual.(T), nil // compiled meanwhile by another caller: share theirs
		}
		c.n++
	}
	return v, nil
}

func compileRegex(pattern string) (*Regex, error) {
	if re, err := regexp.Compile(`^(?:` + pattern + `)$`); err == nil {
		return &Regex{src: pattern, re: re, lit: literalOf(pattern)}, nil
	}
	// The error must quote what the user wrote, not our ^(?:...)$ wrapping,
	// so a pattern neither engine takes is compiled once more, bare.
	re2, err := regexp2.Compile(`^(?:`+pattern+`)\z`, regexp2.None)
	if err != nil {
		if _, err2 := regexp2.Compile(pattern, regexp2.None); err2 != nil {
			return nil, err2
		}
		return nil, fmt.Errorf("with full-match anchors: %w", err)
	}
	re2.MatchTimeout = RegexTimeout
	return &Regex{src: pattern, re2: re2}, nil
}

// MatchString reports whether the whole of s matches. A backtracking match
// that times out counts as no match.
func (r *Regex) MatchString(s string) bool {
	if r.lit != nil {
		return r.lit.match(s)
	}
	if r.re != nil {
		return r.re.MatchString(s)
	}
	ok, err := r.re2.MatchString(s)
	return err == nil && ok
}

// FindGroup returns capture group g of a full match, or "" (property pattern/group).
func (r *Regex) FindGroup(s string, g int) string {
	if r.re != nil {
		m := r.re.FindStringSubmatch(s)
		if m == nil || g >= len(m) {
			return ""
		}
		return m[g]
	}
	m, err := r.re2.FindStringMatch(s)
	if err != nil || m == nil {
		return ""
	}
	gr := m.GroupByNumber(g)
	if gr == nil {
		return ""
	}
	return gr.String()
}

// String is the pattern as written.
func (r *Regex) String() string { return r.src }
