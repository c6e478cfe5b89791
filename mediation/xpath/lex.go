package xpath

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// xtok is one XPath token with its byte span in the source.
type xtok struct {
	kind       xkind
	start, end int
	text       string // name (with prefix), variable name without '$', literal value, or operator
}

type xkind uint8

const (
	xkLiteral xkind = iota // 'abc' or "abc"
	xkNumber
	xkName // NCName or QName, also prefix:* and *
	xkVar  // $name or $prefix:name
	xkOp   // punctuation and operators: ( ) [ ] , / // . .. @ :: | + - = != < <= > >=
)

// lexXPath splits an XPath 1.0 expression into tokens. It knows just enough
// of the grammar to find Synapse's functions and variables outside string
// literals and to tell whether the expression navigates the document.
func lexXPath(s string) ([]xtok, error) {
	var out []xtok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"':
			j := indexByteFrom(s, c, i+1)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string literal at offset %d", i)
			}
			out = append(out, xtok{xkLiteral, i, j + 1, s[i+1 : j]})
			i = j + 1
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, xtok{xkNumber, i, j, s[i:j]})
			i = j
		case c == '$':
			j := scanQName(s, i+1)
			if j == i+1 {
				return nil, fmt.Errorf("variable name expected after '$' at offset %d", i)
			}
			out = append(out, xtok{xkVar, i, j, s[i+1 : j]})
			i = j
		case isNameStart(s, i):
			j := scanQName(s, i)
			if j+1 < len(s) && s[j] == ':' && s[j+1] == '*' {
				j += 2 // prefix:*
			}
			out = append(out, xtok{xkName, i, j, s[i:j]})
			i = j
		default:
			n := opLen(s, i)
			if n == 0 {
				return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
			}
			out = append(out, xtok{xkOp, i, i + n, s[i : i+n]})
			i += n
		}
	}
	return out, nil
}

func indexByteFrom(s string, c byte, from int) int {
	for j := from; j < len(s); j++ {
		if s[j] == c {
			return j
		}
	}
	return -1
}

// opLen is the length of the operator at s[i], 0 if none.
func opLen(s string, i int) int {
	if i+1 < len(s) {
		switch s[i : i+2] {
		case "//", "..", "::", "!=", "<=", ">=":
			return 2
		}
	}
	switch s[i] {
	case '(', ')', '[', ']', ',', '/', '.', '@', '|', '+', '-', '=', '<', '>', '*':
		return 1
	}
	return 0
}

func isNameStart(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == '_' || unicode.IsLetter(r)
}

func isNameChar(r rune) bool {
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// scanQName returns the end of an NCName or prefix:local at s[i:].
func scanQName(s string, i int) int {
	j := scanNCName(s, i)
	if j > i && j+1 < len(s) && s[j] == ':' && s[j+1] != ':' && isNameStart(s, j+1) {
		return scanNCName(s, j+1)
	}
	return j
}

func scanNCName(s string, i int) int {
	if i >= len(s) || !isNameStart(s, i) {
		return i
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isNameChar(r) {
			break
		}
		i += n
	}
	return i
}
