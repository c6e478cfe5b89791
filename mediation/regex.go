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
// on 20,000 copies of two). Bounded, so endless hot reloads with new
// patterns cannot grow it without limit; past the bound patterns compile
// uncached.
var regexCache struct {
	sync.Mutex
	m map[string]*Regex
}

const regexCacheMax = 4096

// CompileRegex compiles pattern for full matching, or returns the shared
// compiled form of a pattern seen before.
func CompileRegex(pattern string) (*Regex, error) {
	regexCache.Lock()
	r, ok := regexCache.m[pattern]
	regexCache.Unlock()
	if ok {
		return r, nil
	}
	r, err := compileRegex(pattern)
	if err != nil {
		return nil, err
	}
	regexCache.Lock()
	if regexCache.m == nil {
		regexCache.m = map[string]*Regex{}
	}
	if len(regexCache.m) < regexCacheMax {
		regexCache.m[pattern] = r
	}
	regexCache.Unlock()
	return r, nil
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
