// rewrite is the example custom mediator: it greets the caller named in
// the X-Name header (X-Greeting), wraps the JSON payload in an envelope
// that records who rewrote it, and leaves a property (wasm.size) for the
// mediators after it. The <class> property "tag" (default "wasm") is
// written into the envelope, so one module serves several configurations.
package main

import (
	"strconv"

	"github.com/seqgate/seqgate/samples/wasm/sdk"
)

//go:wasmexport mediate
func mediate() int32 {
	name, ok := sdk.Header("X-Name")
	if !ok {
		name = "anonymous"
	}
	sdk.SetHeader("X-Greeting", "hello "+name)
	sdk.RemoveHeader("X-Name")
	tag, ok := sdk.Config("tag")
	if !ok {
		tag = "wasm"
	}
	in := sdk.Payload()
	if len(in) == 0 {
		in = []byte("null")
	}
	out := make([]byte, 0, len(in)+64)
	out = append(out, `{"by":`...)
	out = strconv.AppendQuote(out, tag)
	out = append(out, `,"original":`...)
	out = append(out, in...)
	out = append(out, '}')
	if !sdk.SetPayload(out) {
		sdk.Fail("payload over the body limit")
		return sdk.Stop
	}
	sdk.SetHeader("Content-Type", "application/json")
	sdk.SetProperty("wasm.size", strconv.Itoa(len(in)))
	sdk.Log(sdk.LevelDebug, "rewrote "+strconv.Itoa(len(in))+" bytes for "+name)
	return sdk.Continue
}

func main() {}
