package mediators

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/seqgate/seqgate/mediation"
)

// The host API of WebAssembly custom mediators: the functions a module
// imports from the module "seqgate". samples/wasm/README.md documents them
// for guest authors; samples/wasm/sdk wraps them for Go.
//
// ABI: strings and byte strings are (pointer, length) pairs of i32 into the
// guest's linear memory. A getter takes a buffer (pointer, capacity) and
// returns the value's length, writing the value only when it fits (the
// guest calls again with a buffer of that size), or -1 when the value is
// not set; nothing is ever allocated in guest memory by the host. A setter
// returns 0, or -1 when it refused (a read-only scope, a value over the
// body limit, a header name or value a client could not send). A pointer
// outside the guest's memory, or a host call outside mediate, is an error
// that ends the call (the instance is thrown away).
const wasmHostModule = "seqgate"

const i32 = api.ValueTypeI32

// wasmHostFuncs are the host functions with their parameter counts (all
// i32) and whether they return an i32.
var wasmHostFuncs = []struct {
	name   string
	params int
	result bool
	fn     func(c *wasmCall, mod api.Module, s []uint64)
}{
	{"property_get", 6, true, hostPropertyGet},
	{"property_set", 6, true, hostPropertySet},
	{"property_remove", 4, false, hostPropertyRemove},
	{"header_get", 4, true, hostHeaderGet},
	{"header_set", 4, true, hostHeaderSet},
	{"header_remove", 2, false, hostHeaderRemove},
	{"payload_get", 2, true, hostPayloadGet},
	{"payload_set", 2, true, hostPayloadSet},
	{"config_get", 4, true, hostConfigGet},
	{"log", 3, false, hostLog},
	{"fail", 2, false, hostFail},
}

// wasmHostFunc reports whether the host module exports name.
func wasmHostFunc(name string) bool {
	for _, h := range wasmHostFuncs {
		if h.name == name {
			return true
		}
	}
	return false
}

func instantiateWasmHost(ctx context.Context, r wazero.Runtime) error {
	b := r.NewHostModuleBuilder(wasmHostModule)
	for _, h := range wasmHostFuncs {
		params := make([]api.ValueType, h.params)
		for i := range params {
			params[i] = i32
		}
		var results []api.ValueType
		if h.result {
			results = []api.ValueType{i32}
		}
		fn, name := h.fn, h.name
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, mod api.Module, s []uint64) {
			c, ok := ctx.Value(wasmCallKey{}).(*wasmCall)
			if !ok {
				panic(fmt.Errorf("%s.%s called outside mediate (from package init?)", wasmHostModule, name))
			}
			fn(c, mod, s)
		}), params, results).Export(name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// wasmBytes reads (ptr, n) from the guest's memory; the slice is a view,
// valid until the guest's memory grows (copy what is kept).
func wasmBytes(mod api.Module, ptr, n uint64) []byte {
	b, ok := mod.Memory().Read(uint32(ptr), uint32(n))
	if !ok {
		panic(fmt.Errorf("%s: %d bytes at %d are outside the module's memory", wasmHostModule, uint32(n), uint32(ptr)))
	}
	return b
}

func wasmString(mod api.Module, ptr, n uint64) string { return string(wasmBytes(mod, ptr, n)) }

// wasmOut is a getter's answer: the length, and the value written to
// (buf, capacity) when it fits.
func wasmOut(mod api.Module, v []byte, buf, capacity uint64) uint64 {
	if len(v) > math.MaxInt32 {
		panic(fmt.Errorf("%s: a value of %d bytes does not fit an i32 length", wasmHostModule, len(v)))
	}
	if uint32(len(v)) <= uint32(capacity) && len(v) > 0 {
		if !mod.Memory().Write(uint32(buf), v) {
			panic(fmt.Errorf("%s: buffer of %d bytes at %d is outside the module's memory", wasmHostModule, uint32(capacity), uint32(buf)))
		}
	}
	return uint64(uint32(int32(len(v))))
}

var wasmUnset = uint64(uint32(math.MaxUint32)) // -1 as an i32
const wasmOK = 0

// wasmWritableScope reports whether a module may write a property scope:
// those a <property> mediator may set.
func wasmWritableScope(scope string) bool {
	switch scope {
	case "", mediation.ScopeDefault, mediation.ScopeOperation, mediation.ScopeTransport,
		mediation.ScopeAxis2, mediation.ScopeAxis2Client:
		return true
	}
	return false
}

// property_get(scope, scope_len, name, name_len, buf, cap) -> len | -1
func hostPropertyGet(c *wasmCall, mod api.Module, s []uint64) {
	scope, name := wasmString(mod, s[0], s[1]), wasmString(mod, s[2], s[3])
	v, ok := c.mc.Property(scope, name)
	if !ok {
		s[0] = wasmUnset
		return
	}
	s[0] = wasmOut(mod, []byte(v), s[4], s[5])
}

// property_set(scope, scope_len, name, name_len, val, val_len) -> 0 | -1
func hostPropertySet(c *wasmCall, mod api.Module, s []uint64) {
	scope, name := wasmString(mod, s[0], s[1]), wasmString(mod, s[2], s[3])
	v := wasmBytes(mod, s[4], s[5])
	if !wasmWritableScope(scope) || name == "" || len(v) > jsBodyLimit(c.mc) ||
		(scope == mediation.ScopeTransport && !validHeader(name, v)) {
		s[0] = wasmUnset
		return
	}
	c.mc.SetProperty(scope, name, string(v))
	s[0] = wasmOK
}

// property_remove(scope, scope_len, name, name_len)
func hostPropertyRemove(c *wasmCall, mod api.Module, s []uint64) {
	scope, name := wasmString(mod, s[0], s[1]), wasmString(mod, s[2], s[3])
	if wasmWritableScope(scope) {
		c.mc.RemoveProperty(scope, name)
	}
}

// header_get(name, name_len, buf, cap) -> len | -1
func hostHeaderGet(c *wasmCall, mod api.Module, s []uint64) {
	v := c.mc.HeaderBytes(wasmString(mod, s[0], s[1]))
	if v == nil {
		s[0] = wasmUnset
		return
	}
	s[0] = wasmOut(mod, v, s[2], s[3])
}

// header_set(name, name_len, val, val_len) -> 0 | -1; Content-Type also
// says the payload's format, as a mediator setting it does.
func hostHeaderSet(c *wasmCall, mod api.Module, s []uint64) {
	name, v := wasmString(mod, s[0], s[1]), wasmBytes(mod, s[2], s[3])
	if !validHeader(name, v) || len(v) > jsBodyLimit(c.mc) {
		s[0] = wasmUnset
		return
	}
	if strings.EqualFold(name, "Content-Type") {
		c.mc.SetContentType(string(v))
	} else {
		c.mc.SetHeader(name, string(v))
	}
	s[0] = wasmOK
}

// header_remove(name, name_len)
func hostHeaderRemove(c *wasmCall, mod api.Module, s []uint64) {
	c.mc.DelHeader(wasmString(mod, s[0], s[1]))
}

// payload_get(buf, cap) -> len: the body through the body gate (decoded);
// a body the gate refused (over the limit) is an error.
func hostPayloadGet(c *wasmCall, mod api.Module, s []uint64) {
	b, err := c.mc.CheckedBody()
	if err != nil {
		c.err = fmt.Errorf("payload_get: %w", err)
		panic(c.err)
	}
	s[0] = wasmOut(mod, b, s[0], s[1])
}

// payload_set(ptr, len) -> 0 | -1 (over the body limit)
func hostPayloadSet(c *wasmCall, mod api.Module, s []uint64) {
	b := wasmBytes(mod, s[0], s[1])
	if len(b) > jsBodyLimit(c.mc) {
		s[0] = wasmUnset
		return
	}
	c.mc.SetBody(append([]byte(nil), b...)) // guest memory is reused: copy
	s[0] = wasmOK
}

// config_get(name, name_len, buf, cap) -> len | -1: a <property> child of
// the <class>, an expression evaluated for this message.
func hostConfigGet(c *wasmCall, mod api.Module, s []uint64) {
	name := wasmString(mod, s[0], s[1])
	for _, p := range c.class.props {
		if p.Name != name {
			continue
		}
		v := p.Value
		if !p.HasValue {
			var err error
			if v, err = p.Expr.String(c.mc); err != nil {
				panic(fmt.Errorf("config_get(%q): %w", name, err))
			}
		}
		s[0] = wasmOut(mod, []byte(v), s[2], s[3])
		return
	}
	s[0] = wasmUnset
}

// wasmMaxLogLine bounds one log line from a module.
const wasmMaxLogLine = 4096

// log(level, msg, msg_len): level 0 debug, 1 info, 2 warn, 3 error.
func hostLog(c *wasmCall, mod api.Module, s []uint64) {
	if c.mc.Logger == nil {
		return
	}
	lvl := zapcore.DebugLevel
	switch int32(uint32(s[0])) {
	case 1:
		lvl = zapcore.InfoLevel
	case 2:
		lvl = zapcore.WarnLevel
	case 3:
		lvl = zapcore.ErrorLevel
	}
	if !c.mc.Logger.Core().Enabled(lvl) {
		return
	}
	msg := wasmBytes(mod, s[1], s[2])
	if len(msg) > wasmMaxLogLine {
		msg = msg[:wasmMaxLogLine]
	}
	c.mc.Logger.Log(lvl, strings.ToValidUTF8(string(msg), "?"), zap.String("mediator", "class"), zap.String("wasm", c.class.key))
}

// fail(msg, msg_len): the call becomes a mediation error with msg.
func hostFail(c *wasmCall, mod api.Module, s []uint64) {
	msg := wasmBytes(mod, s[0], s[1])
	if len(msg) > wasmMaxLogLine {
		msg = msg[:wasmMaxLogLine]
	}
	c.failed = "the module failed: " + strings.ToValidUTF8(string(msg), "?")
	if c.failed == "the module failed: " {
		c.failed += "(no message)"
	}
}

// validHeader reports whether name is an HTTP token and value has no
// control characters other than tab: what a module sets must not split
// or smuggle a header.
func validHeader(name string, value []byte) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if ch <= ' ' || ch >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", ch) >= 0 {
			return false
		}
	}
	for _, ch := range value {
		if (ch < ' ' && ch != '\t') || ch == 0x7f {
			return false
		}
	}
	return true
}
