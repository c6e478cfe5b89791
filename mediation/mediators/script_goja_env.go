package mediators

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/antchfx/xmlquery"
	"github.com/dop251/goja"
	"github.com/seqgate/seqgate/mediation"
)

// jsVM is one pooled runtime of a script: the runtime, the function to
// call, and the mc object whose methods reach the message of the call in
// progress (vm.mc). The mc methods are made once per runtime, so a call
// allocates no closures; they go through the same Go helpers as the expr
// script's mc (script_env.go), so both languages reach the message the
// same way.
type jsVM struct {
	rt        *goja.Runtime
	fn        goja.Callable
	mcObj     *goja.Object
	parse     goja.Callable // JSON.parse
	stringify goja.Callable // JSON.stringify
	mc        *mediation.MessageContext
	global    *goja.Object // the global object after loading
	timer     *time.Timer  // interrupts rt when a call outlives the budget
}

func (s *jsScript) newVM() (*jsVM, error) {
	rt := goja.New()
	rt.SetMaxCallStackSize(jsMaxStack)
	vm := &jsVM{rt: rt}
	jsonObj := rt.Get("JSON").ToObject(rt)
	vm.parse, _ = goja.AssertFunction(jsonObj.Get("parse"))
	vm.stringify, _ = goja.AssertFunction(jsonObj.Get("stringify"))
	if err := rt.Set("__sg_xmlesc", func(v goja.Value) string { return xmlEscapeText(v.String()) }); err != nil {
		return nil, err
	}
	vm.mcObj = vm.newMC()
	if err := rt.Set("mc", vm.mcObj); err != nil {
		return nil, err
	}
	// Loading runs the top level once (function declarations, constants)
	// under the same budget as a call.
	// One timer per runtime, stopped between calls and Reset by each: a
	// call allocates no timer.
	vm.timer = time.AfterFunc(s.budget, func() { rt.Interrupt(errJSBudget) })
	_, err := rt.RunProgram(s.prog)
	if !vm.timer.Stop() {
		return nil, errJSBudget
	}
	if err != nil {
		return nil, err
	}
	fn, ok := goja.AssertFunction(rt.Get(s.fn))
	if !ok {
		return nil, fmt.Errorf("the script defines no function %q", s.fn)
	}
	vm.fn = fn
	vm.global = rt.GlobalObject()
	return vm, nil
}

// jsMethods are the mc methods that take and return plain values: the
// expr script's helpers (scriptMethods), reused as they are.
var jsMethods = []string{"getProperty", "setProperty", "removeProperty", "getHeader", "setHeader",
	"addHeader", "removeHeader", "getPayloadText"}

func (vm *jsVM) newMC() *goja.Object {
	rt := vm.rt
	o := rt.NewObject()
	set := func(name string, f func(goja.FunctionCall) goja.Value) { _ = o.Set(name, f) }
	for _, name := range jsMethods {
		name, fn := name, scriptMethods[name]
		set(name, func(call goja.FunctionCall) goja.Value {
			args := make([]any, len(call.Arguments))
			for i, a := range call.Arguments {
				args[i] = vm.plain(a)
			}
			if strings.HasPrefix(name, "set") || name == "addHeader" {
				for _, a := range args {
					if s, ok := a.(string); ok && len(s) > jsBodyLimit(vm.cur()) {
						vm.throw(name, fmt.Errorf("value of %d bytes is over the body limit (%d)", len(s), jsBodyLimit(vm.cur())))
					}
				}
			}
			v, err := fn(vm.cur(), args)
			if err != nil {
				vm.throw(name, err)
			}
			if v == nil {
				return goja.Null()
			}
			return rt.ToValue(v)
		})
	}
	set("getPayloadJSON", func(goja.FunctionCall) goja.Value { return vm.getPayloadJSON() })
	set("setPayloadJSON", func(call goja.FunctionCall) goja.Value {
		vm.setPayloadJSON(call.Argument(0))
		return goja.Undefined()
	})
	set("getJsonText", func(goja.FunctionCall) goja.Value {
		return vm.rt.ToValue(vm.jsonText())
	})
	set("hasJSONPayload", func(goja.FunctionCall) goja.Value {
		return rt.ToValue(vm.cur().BodyFormat() == mediation.FormatJSON)
	})
	set("getPayloadXML", func(goja.FunctionCall) goja.Value { return vm.getPayloadXML() })
	set("setPayloadXML", func(call goja.FunctionCall) goja.Value {
		vm.setPayloadXML(call.Argument(0))
		return goja.Undefined()
	})
	set("getTransportHeaders", func(goja.FunctionCall) goja.Value {
		h := rt.NewObject()
		vm.cur().RangeHeaders(func(k, v []byte) { _ = h.Set(string(k), string(v)) })
		return h
	})
	set("getServiceLog", func(goja.FunctionCall) goja.Value { return vm.logObject() })
	for _, name := range jsRefused {
		name := name
		set(name, func(goja.FunctionCall) goja.Value {
			vm.throw(name, errors.New("not supported: seqgate has no Axis2/SOAP object model"))
			return nil
		})
	}
	return o
}

func (vm *jsVM) cur() *mediation.MessageContext {
	if vm.mc == nil {
		panic(vm.rt.NewGoError(errors.New("mc is used outside a call")))
	}
	return vm.mc
}

// throw raises a JavaScript Error named after the mc method.
func (vm *jsVM) throw(method string, err error) {
	panic(vm.rt.NewGoError(fmt.Errorf("mc.%s: %w", method, err)))
}

// plain turns a JavaScript argument into what the expr helpers take:
// strings stay strings, numbers and booleans their JavaScript text,
// objects and arrays their JSON text, null and undefined nil.
func (vm *jsVM) plain(v goja.Value) any {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	if o, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(o); !isFn {
			if s, err := vm.stringify(goja.Undefined(), o); err == nil && !goja.IsUndefined(s) {
				return s.String()
			}
		}
	}
	return v.String()
}

// jsBodyLimit is the body limit of the message's direction: the most a
// script may set as a payload or a value.
func jsBodyLimit(mc *mediation.MessageContext) int {
	if mc.Dir == mediation.Out {
		if mc.Limits.MaxResponseBodyBytes > 0 {
			return mc.Limits.MaxResponseBodyBytes
		}
		return mediation.DefaultMaxResponseBodyBytes
	}
	if mc.Limits.MaxBodyBytes > 0 {
		return mc.Limits.MaxBodyBytes
	}
	return mediation.DefaultMaxBodyBytes
}

// jsonText is the payload as JSON text: the body itself when it is JSON
// (key order kept), else the payload converted as mc.JSON does.
func (vm *jsVM) jsonText() string {
	mc := vm.cur()
	v, err := mc.JSON() // checks the limits, converts XML
	if err != nil {
		vm.throw("getPayloadJSON", err)
	}
	if mc.BodyFormat() == mediation.FormatJSON {
		if b, err := mc.CheckedBody(); err == nil && len(bytes.TrimSpace(b)) > 0 {
			return string(b)
		}
	}
	return mediation.PayloadJSONText(mc, v)
}

func (vm *jsVM) getPayloadJSON() goja.Value {
	text := vm.jsonText()
	if strings.TrimSpace(text) == "" {
		return goja.Null()
	}
	v, err := vm.parse(goja.Undefined(), vm.rt.ToValue(text))
	if err != nil {
		vm.throw("getPayloadJSON", err)
	}
	return v
}

// setPayloadJSON takes a value (stringified with JSON.stringify, so key
// order is the script's) or a JSON text; "" empties the payload.
func (vm *jsVM) setPayloadJSON(v goja.Value) {
	mc := vm.cur()
	var text string
	if s, ok := v.Export().(string); ok {
		if strings.TrimSpace(s) != "" && !json.Valid([]byte(s)) {
			vm.throw("setPayloadJSON", errors.New("not valid JSON"))
		}
		text = s
	} else {
		s, err := vm.stringify(goja.Undefined(), v)
		if err != nil {
			vm.throw("setPayloadJSON", err)
		}
		if goja.IsUndefined(s) {
			vm.throw("setPayloadJSON", errors.New("the value has no JSON form"))
		}
		text = s.String()
	}
	if len(text) > jsBodyLimit(mc) {
		vm.throw("setPayloadJSON", fmt.Errorf("payload of %d bytes is over the body limit (%d)", len(text), jsBodyLimit(mc)))
	}
	mc.SetBody([]byte(text))
	mc.SetContentType("application/json")
}

// getPayloadXML is the XML payload as a string: the first element of the
// SOAP body, or the document element of a plain XML payload (what
// Synapse's getPayloadXML returns, as text instead of an E4X object).
func (vm *jsVM) getPayloadXML() goja.Value {
	mc := vm.cur()
	doc, err := mc.XMLPayload()
	if err != nil {
		vm.throw("getPayloadXML", err)
	}
	if doc == nil {
		return goja.Null()
	}
	if body := mediation.SOAPPart(doc, "Body"); body != nil {
		for n := body.FirstChild; n != nil; n = n.NextSibling {
			if n.Type == xmlquery.ElementNode {
				return vm.rt.ToValue(n.OutputXML(true))
			}
		}
		return goja.Null()
	}
	if root := mediation.SOAPPart(doc, "Envelope"); root != nil {
		return vm.rt.ToValue(root.OutputXML(true))
	}
	return goja.Null()
}

// setPayloadXML makes a well-formed XML string the payload. A SOAP
// envelope keeps its content type; anything else becomes application/xml
// unless the message already is XML.
func (vm *jsVM) setPayloadXML(v goja.Value) {
	mc := vm.cur()
	if goja.IsUndefined(v) || goja.IsNull(v) {
		vm.throw("setPayloadXML", errors.New("want an XML string"))
	}
	s := strings.TrimSpace(v.String())
	if len(s) > jsBodyLimit(mc) {
		vm.throw("setPayloadXML", fmt.Errorf("payload of %d bytes is over the body limit (%d)", len(s), jsBodyLimit(mc)))
	}
	if err := checkXML(s); err != nil {
		vm.throw("setPayloadXML", err)
	}
	if mediation.FormatOf(mc.ContentType()) == mediation.FormatJSON {
		// Synapse leaves messageType alone: a JSON message is written as
		// JSON, the new XML converted on the wire.
		mc.SetXMLPayloadKeepType([]byte(s))
		return
	}
	mc.SetBody([]byte(s))
	switch mc.BodyFormat() {
	case mediation.FormatXML, mediation.FormatSOAP11, mediation.FormatSOAP12:
	default:
		mc.SetContentType("application/xml")
	}
}

// logObject is getServiceLog(): info/debug/warn/error/trace/fatal write
// to the message's logger.
func (vm *jsVM) logObject() goja.Value {
	o := vm.rt.NewObject()
	for _, lvl := range []string{"trace", "debug", "info", "warn", "error", "fatal"} {
		lvl := lvl
		_ = o.Set(lvl, func(call goja.FunctionCall) goja.Value {
			msg := call.Argument(0).String()
			// The message of the call in progress, not the one that asked
			// for the log object (a script may keep it in a variable).
			if mc := vm.mc; mc != nil && mc.Logger != nil {
				switch lvl {
				case "trace", "debug":
					mc.Logger.Debug(msg)
				case "warn":
					mc.Logger.Warn(msg)
				case "error", "fatal":
					mc.Logger.Error(msg)
				default:
					mc.Logger.Info(msg)
				}
			}
			return goja.Undefined()
		})
		_ = o.Set("is"+strings.ToUpper(lvl[:1])+lvl[1:]+"Enabled", func(goja.FunctionCall) goja.Value { return vm.rt.ToValue(true) })
	}
	return o
}
