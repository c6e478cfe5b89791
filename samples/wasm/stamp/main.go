// stamp sets the header X-Stamp to its <class> property "stamp" (default
// "stamped") and continues: the smallest useful mediator, and the "new
// version" the end-to-end test hot-deploys over rewrite.
package main

import "github.com/seqgate/seqgate/samples/wasm/sdk"

//go:wasmexport mediate
func mediate() int32 {
	v, ok := sdk.Config("stamp")
	if !ok {
		v = "stamped"
	}
	sdk.SetHeader("X-Stamp", v)
	return sdk.Continue
}

func main() {}
