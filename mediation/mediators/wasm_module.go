package mediators

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wasmRT is the process's WebAssembly runtime with the seqgate host module
// and WASI instantiated, created on first use.
var wasmRT = sync.OnceValues(func() (wazero.Runtime, error) {
	ctx := context.Background()
	cfg := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(wasmMemoryLimitPages)
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return nil, fmt.Errorf("wasm: instantiating WASI: %w", err)
	}
	if err := instantiateWasmHost(ctx, r); err != nil {
		return nil, fmt.Errorf("wasm: instantiating the seqgate host module: %w", err)
	}
	return r, nil
})

// wasmModule is one compiled module, shared by every <class> naming the
// same bytes (wasmModules); when the last sequence using it is gone, a
// cleanup closes the compiled code (wazero keeps it until closed).
type wasmModule struct {
	compiled wazero.CompiledModule
}

// wasmModules maps a module's sha256 to its compiled form, weakly: a
// redeploy that keeps the module reuses the compiled code, a module no
// sequence uses any more is collected.
var wasmModules = struct {
	sync.Mutex
	m map[[sha256.Size]byte]weak.Pointer[wasmModule]
}{m: map[[sha256.Size]byte]weak.Pointer[wasmModule]{}}

// wasmInst is one instance of a module with what a call needs, reused
// call after call.
type wasmInst struct {
	mod    api.Module
	fn     api.Function
	stack  [1]uint64
	stderr headBuffer
}

// loadWasmModule returns the compiled module for bin, compiling it only if
// no live sequence already holds it.
func loadWasmModule(bin []byte) (*wasmModule, error) {
	r, err := wasmRT()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(bin)
	wasmModules.Lock()
	defer wasmModules.Unlock() // compiling under the lock: two deploys of one module compile it once
	if m := wasmModules.m[sum].Value(); m != nil {
		return m, nil
	}
	cm, err := r.CompileModule(context.Background(), bin)
	if err != nil {
		return nil, fmt.Errorf("wasm: %w", err)
	}
	if err := checkWasmImports(cm); err != nil {
		cm.Close(context.Background())
		return nil, err
	}
	fn, ok := cm.ExportedFunctions()[wasmExport]
	if !ok {
		cm.Close(context.Background())
		return nil, fmt.Errorf("wasm: the module exports no %s function (Go: //go:wasmexport %s, built with -buildmode=c-shared)", wasmExport, wasmExport)
	}
	if len(fn.ParamTypes()) != 0 || len(fn.ResultTypes()) != 1 || fn.ResultTypes()[0] != api.ValueTypeI32 {
		cm.Close(context.Background())
		return nil, fmt.Errorf("wasm: %s must take no parameters and return one i32", wasmExport)
	}
	m := &wasmModule{compiled: cm}
	wp := weak.Make(m)
	wasmModules.m[sum] = wp
	runtime.AddCleanup(m, func(s wasmCleanup) { s.run() }, wasmCleanup{sum: sum, wp: wp, compiled: cm})
	return m, nil
}

// checkWasmImports refuses a module importing anything but the seqgate
// host functions and WASI functions, naming the import (wazero would say
// only "module[env] not instantiated" when it starts).
func checkWasmImports(cm wazero.CompiledModule) error {
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == wasi_snapshot_preview1.ModuleName:
		case mod == wasmHostModule && wasmHostFunc(name):
		default:
			return fmt.Errorf("wasm: the module imports %s.%s; a mediator may import only the %s host API (samples/wasm/README.md) and %s",
				mod, name, wasmHostModule, wasi_snapshot_preview1.ModuleName)
		}
	}
	if ms := cm.ImportedMemories(); len(ms) > 0 {
		mod, name, _ := ms[0].Import()
		return fmt.Errorf("wasm: the module imports memory %s.%s; it must define its own", mod, name)
	}
	return nil
}

// wasmCleanup is what is released when a module is no longer used.
type wasmCleanup struct {
	sum      [sha256.Size]byte
	wp       weak.Pointer[wasmModule]
	compiled wazero.CompiledModule
}

// run forgets and closes the compiled code (wazero allows that while
// instances of it are still open).
func (s wasmCleanup) run() {
	wasmModules.Lock()
	if wasmModules.m[s.sum] == s.wp {
		delete(wasmModules.m, s.sum)
	}
	wasmModules.Unlock()
	s.compiled.Close(context.Background())
}

// closePool closes the idle instances of an element no sequence uses any
// more.
func closePool(pool chan *wasmInst) {
	for {
		select {
		case inst := <-pool:
			inst.close()
		default:
			return
		}
	}
}

// instantiate starts a new instance: WASI with nothing to read, real
// clocks, crypto randomness, stderr kept for error messages, and the
// module's _initialize (a Go c-shared module's package init) run under
// wasmStartBudget.
func (m *wasmModule) instantiate() (*wasmInst, error) {
	r, err := wasmRT()
	if err != nil {
		return nil, err
	}
	inst := &wasmInst{}
	cfg := wazero.NewModuleConfig().WithName("").
		WithStderr(&inst.stderr).
		WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader)
	if _, ok := m.compiled.ExportedFunctions()["_initialize"]; ok {
		cfg = cfg.WithStartFunctions("_initialize")
	} else {
		cfg = cfg.WithStartFunctions() // a command module's _start would run main and exit
	}
	ctx, cancel := context.WithTimeout(context.Background(), wasmStartBudget)
	defer cancel()
	mod, err := r.InstantiateModule(ctx, m.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("wasm: starting an instance: %w%s", err, inst.stderr.suffix())
	}
	inst.mod, inst.fn = mod, mod.ExportedFunction(wasmExport)
	return inst, nil
}

func (inst *wasmInst) close() { _ = inst.mod.Close(context.Background()) }

// get takes an idle instance or starts one.
func (w *wasmClass) get() (*wasmInst, error) {
	select {
	case inst := <-w.pool:
		return inst, nil
	default:
		return w.mod.instantiate()
	}
}

// put returns a healthy instance to the pool, or closes it when the pool is
// full (wazero keeps every instance until it is closed).
func (w *wasmClass) put(inst *wasmInst) {
	select {
	case w.pool <- inst:
	default:
		inst.close()
	}
}
