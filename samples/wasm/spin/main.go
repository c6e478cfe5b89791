// spin never returns: it shows the per-call time budget (the gateway
// interrupts it, answers a mediation error and throws the instance away).
package main

import _ "github.com/seqgate/seqgate/samples/wasm/sdk"

var n uint64

//go:wasmexport mediate
func mediate() int32 {
	for {
		n++
	}
}

func main() {}
