package mediation

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// literalMatch is a full match of a pattern that is a literal, optionally
// with ".*" before and/or after it: "GET", "application/.*", ".*json",
// ".*admin.*". Such patterns are most of the regex= attributes of real
// sequences, and RE2 spends ~150–300 ns on each where a string comparison
// takes a few. The answers are RE2's: "." matches any character but "\n",
// so the ".*" parts must hold no newline.
type literalMatch struct {
	s             string
	before, after bool // ".*" before / after s
}

// literalOf returns the literal form of pattern, or nil when it has
// another shape (or flags, such as (?i), that change what a literal
// matches).
func literalOf(pattern string) *literalMatch {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	m := &literalMatch{}
	if len(subs) > 0 && isDotStar(subs[0]) {
		m.before, subs = true, subs[1:]
	}
	if len(subs) > 0 && isDotStar(subs[len(subs)-1]) {
		m.after, subs = true, subs[:len(subs)-1]
	}
	switch {
	case len(subs) == 0 && (m.before || m.after): // ".*" alone
	case len(subs) == 1 && subs[0].Op == syntax.OpLiteral && subs[0].Flags&syntax.FoldCase == 0:
		m.s = string(subs[0].Rune)
		// U+FFFD also stands for each invalid byte RE2 reads; a literal
		// holding it is left to RE2.
		// A newline inside the literal would need the ".*" parts checked
		// around each occurrence; also left to RE2.
		if strings.ContainsRune(m.s, utf8.RuneError) || (m.before || m.after) && strings.Contains(m.s, "\n") {
			return nil
		}
	case len(subs) == 1 && subs[0].Op == syntax.OpEmptyMatch && !m.before && !m.after:
	default:
		return nil
	}
	return m
}

func isDotStar(re *syntax.Regexp) bool {
	return re.Op == syntax.OpStar && re.Sub[0].Op == syntax.OpAnyCharNotNL
}

func (m *literalMatch) match(s string) bool {
	switch {
	case !m.before && !m.after:
		return s == m.s
	case m.before && m.after:
		i := strings.Index(s, m.s)
		return i >= 0 && noNewline(s)
	case m.before:
		return strings.HasSuffix(s, m.s) && noNewline(s[:len(s)-len(m.s)])
	default:
		return strings.HasPrefix(s, m.s) && noNewline(s[len(m.s):])
	}
}

func noNewline(s string) bool { return strings.IndexByte(s, '\n') < 0 }
