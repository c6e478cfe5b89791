package xpath

import "strings"

// ChildPath is a plain child path, the commonest Synapse XPath:
// $body/order/id, /soapenv:Envelope/soapenv:Body/order/id or //order/id,
// optionally ending in /text(). Compile recognises it from the tokens so
// that a PathEnv can answer it from the body's bytes instead of a tree
// (mediation's xpath_fast.go does, from the index of xml_scan.go).
type ChildPath struct {
	Anchored bool   // an absolute path; else //a/b, matched on the last steps
	Steps    []Step // outermost first; $body expands to Envelope, Body
	Text     bool   // a final /text() step: the text nodes of the selected leaves
}

// Step is one name test of a ChildPath.
type Step struct {
	Local, URI string
	Prefixed   bool // matched by namespace URI; unprefixed: the node has no prefix
	AnyNS      bool // *[local-name()='x'], as $body expands
}

// compileChildPath recognises a path a PathEnv can answer from the tokens
// of the Synapse source; nil when it cannot.
func compileChildPath(toks []xtok, ns map[string]string) *ChildPath {
	if len(toks) < 2 {
		return nil
	}
	f := &ChildPath{Anchored: true}
	i := 0
	switch t := toks[0]; {
	case t.kind == xkVar && t.text == "body":
		f.Steps = []Step{{Local: "Envelope", AnyNS: true}, {Local: "Body", AnyNS: true}}
		i = 1
	case t.kind == xkOp && t.text == "//":
		f.Anchored = false
		i = 1
		if !f.addStep(toks[i], ns) {
			return nil
		}
		i++
	case t.kind == xkOp && t.text == "/":
	default:
		return nil
	}
	if n := len(toks); n-i >= 4 && toks[n-3].kind == xkName && toks[n-3].text == "text" && toks[n-4].kind == xkOp && toks[n-4].text == "/" &&
		toks[n-2].kind == xkOp && toks[n-2].text == "(" && toks[n-1].kind == xkOp && toks[n-1].text == ")" {
		f.Text = true
		toks = toks[:n-4]
	}
	for i < len(toks) {
		if toks[i].kind != xkOp || toks[i].text != "/" || i+1 >= len(toks) || !f.addStep(toks[i+1], ns) {
			return nil
		}
		i += 2
	}
	if f.Anchored && len(f.Steps) < 3 {
		return nil // the envelope, its header or body: never a leaf
	}
	return f
}

func (f *ChildPath) addStep(t xtok, ns map[string]string) bool {
	if t.kind != xkName || strings.Contains(t.text, "*") {
		return false
	}
	st := Step{Local: t.text}
	if p, l, ok := strings.Cut(t.text, ":"); ok {
		uri, known := ns[p]
		if !known || uri == "" {
			return false
		}
		st = Step{Local: l, URI: uri, Prefixed: true}
	}
	f.Steps = append(f.Steps, st)
	return true
}
