package xpath

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

// boolFuncs are the XPath 1.0 functions that return a boolean.
var boolFuncs = map[string]bool{
	"boolean": true, "not": true, "true": true, "false": true, "contains": true, "starts-with": true, "lang": true,
	"fn:boolean": true, "fn:not": true, "fn:true": true, "fn:false": true, "fn:contains": true, "fn:starts-with": true,
}

// nodeSetVsBoolean reports whether token i is a one-step path (a bare name
// such as false) compared with = or != to a boolean function call, as in
// API-M 4.x's _cors_request_handler_: "boolean($trp:X) = false". XPath 1.0
// compares a boolean with a node-set by converting the node-set to a
// boolean (so an absent <false/> element makes that true); antchfx/xpath
// compares numbers instead and answers false. The caller wraps the name in
// boolean(), which is the same value by the spec whatever the document.
func (r *xpathRewrite) nodeSetVsBoolean(i int, prevOperand bool) bool {
	t := r.toks[i]
	if t.kind != xkName || t.text == "*" || (prevOperand && isOperatorName(t.text)) {
		return false
	}
	for _, op := range []string{"(", "/", "//", "[", "::"} {
		if r.followedBy(i, op) {
			return false
		}
	}
	if i > 0 {
		if p := r.toks[i-1]; p.kind == xkOp && (p.text == "/" || p.text == "//" || p.text == "@" || p.text == "::") {
			return false
		}
	}
	isEq := func(j int) bool {
		return j >= 0 && j < len(r.toks) && r.toks[j].kind == xkOp && (r.toks[j].text == "=" || r.toks[j].text == "!=")
	}
	if isEq(i+1) && i+3 < len(r.toks) && r.toks[i+2].kind == xkName && boolFuncs[r.toks[i+2].text] && r.followedBy(i+2, "(") {
		return true // false = boolean(...)
	}
	if !isEq(i-1) || i < 3 || r.toks[i-2].kind != xkOp || r.toks[i-2].text != ")" {
		return false
	}
	depth := 0 // find the "(" that the ")" before "=" closes
	for j := i - 2; j >= 1; j-- {
		if r.toks[j].kind != xkOp {
			continue
		}
		switch r.toks[j].text {
		case ")":
			depth++
		case "(":
			depth--
			if depth == 0 {
				return r.toks[j-1].kind == xkName && boolFuncs[r.toks[j-1].text] // boolean(...) = false
			}
		}
	}
	return false
}
