package exprlang

import (
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// A ${...} result is a Go value, and a Go map has no order: an object the
// program returns would be written with sorted keys. When the whole
// expression is a plain member/index path into the payload (payload.a.b,
// $.items[0], payload["a"]), its result is a sub-tree of the payload, so
// the path is kept from the compile (Program.Path) and the result written
// in the payload's member order by mediation (expression_lang.go), as
// json-eval results are. Computed objects and arrays (function results, literals,
// conditionals) have no such source and keep sorted keys.

// payloadPath is the JSONPath of toks when they are exactly payload or $
// followed by .name, ["name"] or [n] steps; nil otherwise.
func payloadPath(toks []etok) jp.Expr {
	if len(toks) == 0 {
		return nil
	}
	switch r := toks[0]; {
	case r.kind == ekIdent && r.text == "payload", r.kind == ekOp && r.text == "$":
	default:
		return nil
	}
	path := jp.R()
	isOp := func(i int, op string) bool {
		return i < len(toks) && toks[i].kind == ekOp && toks[i].text == op
	}
	for i := 1; i < len(toks); {
		switch {
		case isOp(i, ".") && i+1 < len(toks) && toks[i+1].kind == ekIdent:
			path = append(path, jp.Child(toks[i+1].text))
			i += 2
		case isOp(i, "["):
			j, neg := i+1, false
			if isOp(j, "-") {
				j, neg = j+1, true
			}
			if j >= len(toks) || !isOp(j+1, "]") {
				return nil
			}
			switch t := toks[j]; {
			case t.kind == ekNumber:
				n, err := strconv.Atoi(t.text)
				if err != nil {
					return nil
				}
				if neg {
					n = -n
				}
				path = append(path, jp.Nth(n))
			case t.kind == ekString && !neg:
				k, ok := unquoteKey(t.text)
				if !ok {
					return nil
				}
				path = append(path, jp.Child(k))
			default:
				return nil
			}
			i = j + 2
		default:
			return nil
		}
	}
	return path
}

// unquoteKey is the text of a string literal used as a member name; a
// literal it cannot read plainly (escapes in single quotes) is not a path.
func unquoteKey(s string) (string, bool) {
	switch s[0] {
	case '"':
		k, err := strconv.Unquote(s)
		return k, err == nil
	case '\'', '`':
		k := s[1 : len(s)-1]
		return k, !strings.ContainsAny(k, `\'`)
	}
	return "", false
}
