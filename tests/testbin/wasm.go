package testbin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// WasmSample returns the path of samples/wasm/<name> (a WebAssembly custom
// mediator, a Go program) built with GOOS=wasip1 GOARCH=wasm
// -buildmode=c-shared by this machine's toolchain. The .wasm files are not
// committed: building them in the test proves the example builds and the
// host runs what the SDK produces today. They are cached under the temp
// folder by a hash of the sources and the Go version, so a run rebuilds
// only after an edit. When the toolchain cannot build for wasip1 the test
// is skipped, saying so.
func WasmSample(t testing.TB, name string) string {
	t.Helper()
	p, err := wasmSample(name)
	if err != nil {
		t.Skipf("SKIPPED: cannot build the WebAssembly sample %s with this toolchain: %v", name, err)
	}
	return p
}

// WasmSampleBytes is WasmSample's content.
func WasmSampleBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(WasmSample(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var wasmBuilt sync.Map // name -> func() (string, error)

func wasmSample(name string) (string, error) {
	f, _ := wasmBuilt.LoadOrStore(name, sync.OnceValues(func() (string, error) { return buildWasmSample(name) }))
	return f.(func() (string, error))()
}

// WasmSamplesDir is samples/wasm in this checkout.
func WasmSamplesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "samples", "wasm")
}

func buildWasmSample(name string) (string, error) {
	dir := WasmSamplesDir()
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version(), name)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(p) != ".go" && d.Name() != "go.mod") {
			return err
		}
		b, err := os.ReadFile(p)
		fmt.Fprintln(h, p, len(b))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	cache := filepath.Join(os.TempDir(), "seqgate-wasm-samples")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(cache, name+"-"+hex.EncodeToString(h.Sum(nil))[:16]+".wasm")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp, err := os.CreateTemp(cache, name+"-*.tmp")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-buildmode=c-shared", "-o", tmp.Name(), "./"+name)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./%s: %v\n%s", name, err, b)
	}
	return out, os.Rename(tmp.Name(), out)
}
