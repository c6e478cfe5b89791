// hog allocates until it runs out of memory: it shows the per-instance
// memory budget (the Go runtime in the guest cannot grow its linear memory
// past the limit and exits; the call is a mediation error).
package main

import _ "github.com/seqgate/seqgate/samples/wasm/sdk"

var keep [][]byte

//go:wasmexport mediate
func mediate() int32 {
	for {
		keep = append(keep, make([]byte, 4<<20))
	}
}

func main() {}
