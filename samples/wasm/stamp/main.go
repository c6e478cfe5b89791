// stamp sets the header X-Stamp to its <class> property "stamp" (default
// "stamped") and continues: the smallest useful mediator, and the "new
// version" the end-to-end test hot-deploys over rewrite. With the property
// "answer" it answers the client itself with that JSON (result Respond).
package main

import "github.com/seqgate/seqgate/samples/wasm/sdk"

//go:wasmexport mediate
func mediate() int32 {
	v, ok := sdk.Config("stamp")
	if !ok {
		v = "stamped"
	}
	sdk.SetHeader("X-Stamp", v)
	if a, ok := sdk.Config("answer"); ok {
		sdk.SetPayload([]byte(a))
		sdk.SetHeader("Content-Type", "application/json")
		sdk.SetPropertyIn(sdk.ScopeAxis2, "HTTP_SC", "201")
		return sdk.Respond
	}
	return sdk.Continue
}

func main() {}
