package xpath

import (
	"fmt"
	"strconv"
	"strings"
)

// xpathRewrite turns a Synapse XPath into plain XPath 1.0 for antchfx/xpath.
// Every Synapse variable ($ctx:x, $trp:x, ...) and Synapse function call
// (get-property, base64Encode, ...) becomes string(/@sgvN): an attribute of
// a virtual root that the navigator (nav.go) answers from the
// Env. $body, $header and $env become paths into the envelope.
// The rewrite also decides whether the expression navigates the payload.
type xpathRewrite struct {
	src   string
	toks  []xtok
	ns    map[string]string
	depth int // nesting of Synapse calls whose arguments are expressions

	out       strings.Builder
	slots     []xslot
	needsBody bool
}

// maxXPathNesting bounds nested Synapse calls with expression arguments.
const maxXPathNesting = 16

// Paths for the SOAP variables; local-name() makes them work for SOAP 1.1
// and 1.2 envelopes alike.
var soapVarPaths = map[string]string{
	"env":    "(/*[local-name()='Envelope'])",
	"body":   "(/*[local-name()='Envelope']/*[local-name()='Body'])",
	"header": "(/*[local-name()='Envelope']/*[local-name()='Header'])",
}

// variable prefixes and the property scope they read. $func:name reads a
// call-template parameter; seqgate has no templates, so it is always the
// empty string, as Synapse gives for a $func: outside a template (accepted,
// not an error: sequences written for templates still deploy).
var varScopes = map[string]string{
	"ctx": scopeDefault, "var": scopeDefault, "trp": scopeTransport, "axis2": scopeAxis2,
	"operation": scopeOperation, "sys": scopeSystem, "url": "url", "func": scopeFunc,
}

func (r *xpathRewrite) run() error {
	last := 0
	prevOperand := false
	for i := 0; i < len(r.toks); i++ {
		t := r.toks[i]
		repl, next, err := r.synapsePart(i)
		if err != nil {
			return err
		}
		if next > i {
			r.out.WriteString(r.src[last:t.start])
			r.out.WriteString(repl)
			last = r.toks[next-1].end
			i = next - 1
			prevOperand = true
			continue
		}
		if r.navigates(i, prevOperand) {
			r.needsBody = true
		}
		if r.nodeSetVsBoolean(i, prevOperand) {
			r.out.WriteString(r.src[last:t.start])
			r.out.WriteString("boolean(" + t.text + ")")
			last = t.end
		}
		prevOperand = isOperandEnd(t, prevOperand)
	}
	r.out.WriteString(r.src[last:])
	return nil
}

// synapsePart recognises a Synapse variable or function call at token i and
// returns its replacement and the index after it (next == i: not one).
func (r *xpathRewrite) synapsePart(i int) (repl string, next int, err error) {
	t := r.toks[i]
	if t.kind == xkVar {
		repl, err = r.variable(t.text)
		return repl, i + 1, err
	}
	if t.kind != xkName || i+1 >= len(r.toks) || r.toks[i+1].text != "(" || r.toks[i+1].kind != xkOp {
		return "", i, nil
	}
	name := t.text
	if b, ok := synapseFuncs[name]; ok {
		end, args, err := r.callArgs(i + 1)
		if err != nil {
			return "", i, fmt.Errorf("%s(): %w", name, err)
		}
		slot, err := b(r, args)
		if err != nil {
			return "", i, fmt.Errorf("%s(): %w", name, err)
		}
		return r.addSlot(slot), end, nil
	}
	if unsupportedFuncs[name] {
		return "", i, fmt.Errorf("function %s() is not supported", name)
	}
	return "", i, nil
}

func (r *xpathRewrite) variable(name string) (string, error) {
	if p, ok := soapVarPaths[name]; ok {
		r.needsBody = true
		return p, nil
	}
	prefix, local, ok := strings.Cut(name, ":")
	scope, known := varScopes[prefix]
	if !ok || !known {
		return "", fmt.Errorf("unknown variable $%s", name)
	}
	if scope == "url" {
		return r.addSlot(urlSlot{local}), nil
	}
	return r.addSlot(propSlot{scope, local}), nil
}

func (r *xpathRewrite) addSlot(s xslot) string {
	r.slots = append(r.slots, s)
	return "string(/@" + slotName(len(r.slots)-1) + ")"
}

func slotName(i int) string { return "sgv" + strconv.Itoa(i) }

// callArgs reads the arguments of the call whose '(' is token open and
// returns the index after ')'. A lone string literal argument stays a
// literal; anything else compiles as an XPath expression of its own.
func (r *xpathRewrite) callArgs(open int) (int, []xarg, error) {
	var args []xarg
	depth, from := 0, open+1
	for j := open; j < len(r.toks); j++ {
		t := r.toks[j]
		if t.kind != xkOp {
			continue
		}
		switch t.text {
		case "(", "[":
			depth++
		case "]":
			depth--
		case ")", ",":
			if t.text == ")" {
				depth--
			}
			if depth > 1 || depth == 1 && t.text == ")" {
				continue
			}
			if t.text == ")" && j == open+1 {
				return j + 1, args, nil // no arguments
			}
			a, err := r.arg(from, j)
			if err != nil {
				return 0, nil, err
			}
			args = append(args, a)
			if t.text == ")" {
				return j + 1, args, nil
			}
			from = j + 1
		}
	}
	return 0, nil, fmt.Errorf("missing ')'")
}

func (r *xpathRewrite) arg(from, to int) (xarg, error) {
	if from >= to {
		return xarg{}, fmt.Errorf("empty argument")
	}
	if to-from == 1 && r.toks[from].kind == xkLiteral {
		return xarg{lit: r.toks[from].text}, nil
	}
	if r.depth >= maxXPathNesting {
		return xarg{}, fmt.Errorf("expressions nested too deep")
	}
	sub, err := compileXPathDepth(r.src[r.toks[from].start:r.toks[to-1].end], r.ns, r.depth+1)
	if err != nil {
		return xarg{}, err
	}
	r.needsBody = r.needsBody || sub.needsBody
	return xarg{expr: sub}, nil
}
