// Custom mediators in WebAssembly: the guest SDK and examples. A module of
// its own, so the gateway's `go build ./...`, vet and tests (GOOS=linux)
// never see the wasip1-only imports; build a guest with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o rewrite.wasm ./rewrite
module github.com/seqgate/seqgate/samples/wasm

go 1.24
