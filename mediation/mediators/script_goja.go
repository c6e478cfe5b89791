package mediators

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/dop251/goja"
	"github.com/seqgate/seqgate/mediation"
)

// jsScript is <script language="js"> (also javascript, rhinoJs, nashornJs,
// ecmascript): Synapse's JavaScript script mediator on goja, a maintained
// pure-Go ECMAScript 5.1+ engine. The source (inline, usually CDATA, or the
// text of a key= resource) is compiled once at deploy time into a
// *goja.Program; a goja.Runtime is not safe for concurrent use, so each
// script keeps a bounded pool of runtimes and a request takes one for the
// duration of its call: no runtime is ever shared by two requests at once.
//
// Budgets: each call runs under a wall-clock budget (jsTimeBudget) enforced
// with rt.Interrupt from a timer; an interrupted (or panicking) runtime is
// thrown away, never returned to the pool, and the call is a mediation
// error. goja has no heap limit: what is bounded is what the script hands
// back to the message (payloads and property/header values are refused
// above the body limit), and the time budget bounds how long a script can
// allocate. A script that builds a huge string inside its budget is not
// stopped by a byte count.
//
// Inline scripts run as the body of a function(mc), so their var
// declarations are per call; implicit globals (assignment without var) go
// to a per-call global object, so nothing leaks from one request to the
// next on a reused runtime. With function="name" (default "mediate" for key=
// scripts) the named function is called with mc; as in Synapse, only a
// return value of false stops the flow.
type jsScript struct {
	prog   *goja.Program
	fn     string // the function to call; "" for an inline script
	pool   chan *jsVM
	budget time.Duration
}

// jsTimeBudget is the wall-clock budget of one script call (and of loading
// a new runtime): generous, since it is wall time on a shared CPU, not CPU
// time. A variable so tests can change it.
var jsTimeBudget = time.Second

// jsMaxStack bounds JavaScript recursion (a runaway recursion is a
// RangeError, not a Go stack overflow).
const jsMaxStack = 1000

// jsInlineFunc is the name the wrapped inline body is compiled under.
const jsInlineFunc = "__sg_inline"

// jsRefused are the Synapse ScriptMessageContext calls that reach Axis2 or
// SOAP objects seqgate does not have; a script calling one is refused at
// deploy time with the name (and, if the call is hidden from the scan, at
// run time by a function that throws with the same message).
var jsRefused = []string{"getEnvelope", "setEnvelope", "getEnvelopeXML", "getEnvironment", "getConfiguration",
	"setTo", "setFaultTo", "setFrom", "setMessageID", "setReplyTo", "getFaultSequence", "getSequence",
	"getSequenceTemplate", "getEndpoint", "getContextEntries", "getEntry", "getMessageID", "getTo",
	"getFrom", "getReplyTo", "getFaultTo", "getWSAAction", "getSoapAction", "setWSAAction", "setSoapAction"}

var jsRefusedRE = regexp.MustCompile(`\bmc\s*\.\s*(` + strings.Join(jsRefused, "|") + `)\s*\(`)

// jsLanguage reports whether l (lower case) names JavaScript.
func jsLanguage(l string) bool {
	switch l {
	case "js", "javascript", "rhinojs", "nashornjs", "ecmascript", "graaljs", "rhino":
		return true
	}
	return false
}

func newJSScript(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	src := charData(el)
	fn, hasFn := mediation.Attr(el, "function")
	fn = strings.TrimSpace(fn)
	key, hasKey := mediation.Attr(el, "key")
	if hasKey {
		if strings.TrimSpace(src) != "" {
			return nil, c.Errorf(el, "use either key= or an inline script, not both")
		}
		text, err := jsResource(el, c, "key", key)
		if err != nil {
			return nil, err
		}
		// <include key="..."/> prepends library scripts, as Synapse does.
		var b strings.Builder
		for _, inc := range el.ChildElements() {
			if inc.Tag != "include" {
				return nil, c.Errorf(inc, "<script key> takes only <include key> children, not <%s>", inc.Tag)
			}
			ik, ok := mediation.Attr(inc, "key")
			if !ok {
				return nil, c.Errorf(inc, "<include> needs key=")
			}
			t, err := jsResource(inc, c, "key", ik)
			if err != nil {
				return nil, err
			}
			b.WriteString(t)
			b.WriteString("\n")
		}
		b.WriteString(text)
		src = b.String()
		if !hasFn || fn == "" {
			fn = "mediate" // Synapse's default for key= scripts
		}
	} else if len(el.ChildElements()) > 0 {
		return nil, c.Errorf(el, "<script> takes the program as text (wrap it in CDATA if it contains '<')")
	}
	if strings.TrimSpace(src) == "" {
		return nil, c.Errorf(el, "empty script")
	}
	if m := jsRefusedRE.FindStringSubmatch(src); m != nil {
		return nil, c.Errorf(el, "mc.%s() is not supported: seqgate has no Axis2/SOAP object model; use getPayloadXML/getPayloadJSON, getProperty/setProperty (see README, script)", m[1])
	}
	src, err := rewriteE4X(src)
	if err != nil {
		return nil, c.Errorf(el, "javascript: %v", err)
	}
	if fn == "" {
		src = "function " + jsInlineFunc + "(mc) {\n" + src + "\n}"
		fn = jsInlineFunc
	} else if !jsIdent.MatchString(fn) {
		return nil, c.Errorf(el, "function=%q is not a JavaScript function name", fn)
	}
	prog, err := goja.Compile(c.File, src, false)
	if err != nil {
		return nil, c.Errorf(el, "javascript: %v", err)
	}
	s := &jsScript{prog: prog, fn: fn, pool: make(chan *jsVM, 2*runtime.GOMAXPROCS(0)), budget: jsTimeBudget}
	// One runtime at deploy time proves the program loads and defines the
	// function; it seeds the pool.
	vm, err := s.newVM()
	if err != nil {
		return nil, c.Errorf(el, "javascript: %v", err)
	}
	s.pool <- vm
	c.NeedsBody = true // a script may read or replace the payload
	return s, nil
}

var jsIdent = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// jsResource is the text of a script resource (local entry or registry).
func jsResource(el *etree.Element, c *mediation.Compiler, attr, key string) (string, error) {
	res, err := c.MustResource(el, attr, key)
	if err != nil {
		return "", err
	}
	if res.XML != nil {
		return "", c.Errorf(el, "%s=%q: a script resource must be text; %s holds XML", attr, key, res.File)
	}
	return res.Text, nil
}

// Mediate implements mediation.Mediator.
func (s *jsScript) Mediate(mc *mediation.MessageContext) (bool, error) {
	var vm *jsVM
	select {
	case vm = <-s.pool:
	default:
		var err error
		if vm, err = s.newVM(); err != nil {
			return false, fmt.Errorf("script: %w", err)
		}
	}
	res, keep, err := vm.call(mc, s.budget)
	if keep {
		select {
		case s.pool <- vm:
		default: // pool full: let the runtime go
		}
	}
	if err != nil {
		return false, fmt.Errorf("script: %w", err)
	}
	if res != nil {
		if b, ok := res.Export().(bool); ok && !b {
			return false, nil
		}
	}
	return true, nil
}

// errJSBudget is the error of a call that ran out of time.
var errJSBudget = errors.New("javascript ran longer than its budget and was interrupted")

// call runs the script's function with mc on this runtime. keep is false
// when the runtime must be thrown away (interrupted, panicked, or the
// interrupt timer fired too late to be cancelled).
func (vm *jsVM) call(mc *mediation.MessageContext, budget time.Duration) (res goja.Value, keep bool, err error) {
	vm.mc = mc
	defer func() {
		vm.mc = nil
		if r := recover(); r != nil {
			res, keep, err = nil, false, fmt.Errorf("javascript: %v", r)
		}
	}()
	// A fresh global object per call, inheriting the loaded one: globals
	// a call creates (assignment without var) land on it and are gone
	// after the call, so nothing carries over to the next request on this
	// runtime. (Listing the global's keys after each call cost ~120
	// allocations; this costs one object.)
	g := vm.rt.NewObject()
	_ = g.SetPrototype(vm.global)
	vm.rt.SetGlobalObject(g)
	defer vm.rt.SetGlobalObject(vm.global)
	vm.timer.Reset(budget)
	res, err = vm.fn(goja.Undefined(), vm.mcObj)
	fired := !vm.timer.Stop()
	keep = !fired
	if err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			return nil, false, errJSBudget
		}
		var ex *goja.Exception
		if errors.As(err, &ex) {
			err = errors.New("javascript: " + ex.Error())
		}
	}
	return res, keep, err
}
