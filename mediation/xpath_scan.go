package mediation

import "strings"

// navigates reports whether token i (outside Synapse parts) reads the
// document: a location path step, a name test, or a function that reads
// the context node when called without arguments. Operator names and '*'
// follow the XPath 1.0 lexical rule (an operator after an operand).
func (r *xpathRewrite) navigates(i int, prevOperand bool) bool {
	t := r.toks[i]
	switch t.kind {
	case xkOp:
		switch t.text {
		case "/", "//", ".", "..", "@", "::":
			return true
		case "*":
			return !prevOperand
		}
		return false
	case xkName:
		if prevOperand && isOperatorName(t.text) {
			return false
		}
		if !r.followedBy(i, "(") {
			return true // a name test
		}
		local := t.text
		if p, l, ok := strings.Cut(local, ":"); ok && p == "fn" {
			local = l
		}
		if nodeTypeTests[local] {
			return true
		}
		return contextFuncs[local] && r.followedBy(i+1, ")")
	}
	return false
}

func (r *xpathRewrite) followedBy(i int, op string) bool {
	return i+1 < len(r.toks) && r.toks[i+1].kind == xkOp && r.toks[i+1].text == op
}

// isOperandEnd reports whether t ends an operand, so that a following '*'
// or and/or/div/mod is an operator.
func isOperandEnd(t xtok, prevOperand bool) bool {
	switch t.kind {
	case xkLiteral, xkNumber, xkVar:
		return true
	case xkName:
		return !(prevOperand && isOperatorName(t.text))
	}
	switch t.text {
	case ")", "]", ".", "..":
		return true
	case "*":
		return !prevOperand // a name test, not a multiplication
	}
	return false
}

func isOperatorName(s string) bool {
	return s == "and" || s == "or" || s == "div" || s == "mod"
}

var nodeTypeTests = map[string]bool{"node": true, "text": true, "comment": true, "processing-instruction": true}

// contextFuncs read the context node when called with no argument.
var contextFuncs = map[string]bool{
	"string": true, "string-length": true, "normalize-space": true, "number": true,
	"name": true, "local-name": true, "namespace-uri": true, "position": true, "last": true,
}
