// Package sdk is the guest side of seqgate's WebAssembly custom mediators
// (see ../README.md for the host API it wraps). A mediator is a Go program
// built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o m.wasm .
//
// that exports mediate:
//
//	//go:wasmexport mediate
//	func mediate() int32 { sdk.SetHeader("X-A", "1"); return sdk.Continue }
//	func main() {}
//
// The module is instantiated once and reused for many messages (never two
// at a time), so keep nothing about one message in package variables: read
// it through these functions on every call.
package sdk

import "unsafe"

// Results of mediate.
const (
	Stop     int32 = 0 // stop the flow, as a Java class mediator returning false
	Continue int32 = 1 // go on with the next mediator
	Respond  int32 = 2 // answer the client now with the current message (as <respond/>)
)

// Scopes of properties (Synapse's names; "" is the default scope).
const (
	ScopeDefault   = "default"
	ScopeTransport = "transport"
	ScopeAxis2     = "axis2"
)

// Log levels.
const (
	LevelDebug int32 = 0
	LevelInfo  int32 = 1
	LevelWarn  int32 = 2
	LevelError int32 = 3
)

//go:wasmimport seqgate property_get
func propertyGet(scope unsafe.Pointer, scopeLen uint32, name unsafe.Pointer, nameLen uint32, buf unsafe.Pointer, bufCap uint32) int32

//go:wasmimport seqgate property_set
func propertySet(scope unsafe.Pointer, scopeLen uint32, name unsafe.Pointer, nameLen uint32, val unsafe.Pointer, valLen uint32) int32

//go:wasmimport seqgate property_remove
func propertyRemove(scope unsafe.Pointer, scopeLen uint32, name unsafe.Pointer, nameLen uint32)

//go:wasmimport seqgate header_get
func headerGet(name unsafe.Pointer, nameLen uint32, buf unsafe.Pointer, bufCap uint32) int32

//go:wasmimport seqgate header_set
func headerSet(name unsafe.Pointer, nameLen uint32, val unsafe.Pointer, valLen uint32) int32

//go:wasmimport seqgate header_remove
func headerRemove(name unsafe.Pointer, nameLen uint32)

//go:wasmimport seqgate payload_get
func payloadGet(buf unsafe.Pointer, bufCap uint32) int32

//go:wasmimport seqgate payload_set
func payloadSet(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport seqgate config_get
func configGet(name unsafe.Pointer, nameLen uint32, buf unsafe.Pointer, bufCap uint32) int32

//go:wasmimport seqgate log
func logMsg(level int32, msg unsafe.Pointer, msgLen uint32)

//go:wasmimport seqgate fail
func failMsg(msg unsafe.Pointer, msgLen uint32)

func str(s string) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.StringData(s)), uint32(len(s))
}

func bytes(b []byte) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b))
}

// get runs a host getter with a small buffer and again with the exact size
// when the value is longer (the host writes nothing when it does not fit).
func get(call func(buf unsafe.Pointer, n uint32) int32) ([]byte, bool) {
	var small [256]byte
	n := call(unsafe.Pointer(&small[0]), uint32(len(small)))
	if n < 0 {
		return nil, false
	}
	if int(n) <= len(small) {
		return append([]byte(nil), small[:n]...), true
	}
	buf := make([]byte, n)
	if m := call(unsafe.Pointer(&buf[0]), uint32(n)); m != n {
		return nil, false // changed between the calls: cannot happen within one call
	}
	return buf, true
}

// PropertyIn reads a property in a scope ("default", "transport", "axis2",
// "system", "registry", …): the value and whether it is set.
func PropertyIn(scope, name string) (string, bool) {
	sp, sl := str(scope)
	np, nl := str(name)
	b, ok := get(func(buf unsafe.Pointer, n uint32) int32 { return propertyGet(sp, sl, np, nl, buf, n) })
	return string(b), ok
}

// Property reads a default-scope property.
func Property(name string) (string, bool) { return PropertyIn("", name) }

// SetPropertyIn sets a property in a scope; false when the host refused
// (a read-only scope, or a value over the body limit).
func SetPropertyIn(scope, name, value string) bool {
	sp, sl := str(scope)
	np, nl := str(name)
	vp, vl := str(value)
	return propertySet(sp, sl, np, nl, vp, vl) == 0
}

// SetProperty sets a default-scope property.
func SetProperty(name, value string) bool { return SetPropertyIn("", name, value) }

// RemovePropertyIn removes a property in a scope.
func RemovePropertyIn(scope, name string) {
	sp, sl := str(scope)
	np, nl := str(name)
	propertyRemove(sp, sl, np, nl)
}

// RemoveProperty removes a default-scope property.
func RemoveProperty(name string) { RemovePropertyIn("", name) }

// Header reads a transport header of the current message (the request on
// the in flow, the response on the out flow).
func Header(name string) (string, bool) {
	np, nl := str(name)
	b, ok := get(func(buf unsafe.Pointer, n uint32) int32 { return headerGet(np, nl, buf, n) })
	return string(b), ok
}

// SetHeader sets a transport header of the current message; Content-Type
// also says what format the payload is in.
func SetHeader(name, value string) bool {
	np, nl := str(name)
	vp, vl := str(value)
	return headerSet(np, nl, vp, vl) == 0
}

// RemoveHeader removes a transport header of the current message.
func RemoveHeader(name string) {
	np, nl := str(name)
	headerRemove(np, nl)
}

// Payload returns the body of the current message (decoded if it was
// compressed).
func Payload() []byte {
	n := payloadGet(nil, 0)
	if n <= 0 {
		return nil
	}
	buf := make([]byte, n)
	if payloadGet(unsafe.Pointer(&buf[0]), uint32(n)) != n {
		return nil
	}
	return buf
}

// SetPayload replaces the body of the current message; false when the
// host refused it (over the body limit).
func SetPayload(b []byte) bool {
	p, l := bytes(b)
	return payloadSet(p, l) == 0
}

// Config reads a <property name=… value|expression=…/> child of the
// <class> element (an expression is evaluated for this message).
func Config(name string) (string, bool) {
	np, nl := str(name)
	b, ok := get(func(buf unsafe.Pointer, n uint32) int32 { return configGet(np, nl, buf, n) })
	return string(b), ok
}

// Log writes msg to the gateway's log at level, tagged with the module.
func Log(level int32, msg string) {
	p, l := str(msg)
	logMsg(level, p, l)
}

// Fail makes this call a mediation error with msg (the fault sequence
// runs); mediate's result is then ignored.
func Fail(msg string) {
	p, l := str(msg)
	failMsg(p, l)
}
