package exprlang

import "fmt"

// etok is a token of a ${...} Synapse expression.
type etok struct {
	kind       ekind
	start, end int
	text       string
}

type ekind uint8

const (
	ekIdent ekind = iota
	ekString
	ekNumber
	ekOp
)

// lexSynExpr splits a Synapse expression into identifiers, literals and
// operator characters; whitespace between tokens is kept by the rewriter.
func lexSynExpr(s string) ([]etok, error) {
	var out []etok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			out = append(out, etok{ekString, i, j + 1, s[i : j+1]})
			i = j + 1
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (isIdentByte(s[j]) || s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
				j++
			}
			out = append(out, etok{ekNumber, i, j, s[i:j]})
			i = j
		case isIdentByte(c) || c >= 0x80:
			j := i
			for j < len(s) && (isIdentByte(s[j]) || s[j] >= 0x80) {
				j++
			}
			out = append(out, etok{ekIdent, i, j, s[i:j]})
			i = j
		default:
			out = append(out, etok{ekOp, i, i + 1, s[i : i+1]})
			i++
		}
	}
	return out, nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
