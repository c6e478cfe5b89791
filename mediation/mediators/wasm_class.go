package mediators

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/tetratelabs/wazero/sys"

	"github.com/seqgate/seqgate/mediation"
)

// wasmClass is <class name="wasm:KEY">: a custom mediator written in any
// language that compiles to WebAssembly, loaded from the tenant's
// repository instead of compiled into the binary. KEY is a local entry or
// registry key (gov:/mediators/x.wasm is <registry>/governance/mediators/x.wasm)
// whose content is the module, so a changed .wasm redeploys every sequence
// that uses it, as any changed resource does (deploy/resources.go): no
// watcher of its own.
//
// Why <class> and not a new element: a Java class mediator is what these
// modules replace, so a WSO2 sequence keeps its shape and its <property>
// children (handed to the module through config_get, literal or evaluated
// per message, as Synapse calls the setters); only the name changes. A new
// element would be one more thing Synapse tooling rejects.
//
// Runtime: wazero, a pure-Go WebAssembly runtime (no cgo), one per process,
// with the module's imports limited to the seqgate host API (wasm_host.go,
// documented in samples/wasm/README.md) and a WASI preview 1 with no files,
// no environment and no arguments. A module is compiled once per content
// (sha256) and the compiled code is shared by every <class> that names it
// (it is immutable); instances are pooled per <class> element and a
// request takes one for its call: no instance is ever used by two requests
// at once, and none crosses from one element (or tenant) to another, so
// what a guest leaves in its globals stays with the sequence that ran it.
//
// Budgets: every instance's linear memory is capped (wasmMemoryLimitPages;
// a guest that grows past it fails, and a Go guest exits), and every call
// runs under a wall-clock budget (wasmTimeBudget) by context cancellation:
// a runaway loop is interrupted, the call is a mediation error (the fault
// sequence runs), and the instance is thrown away. Any error does the same,
// since the guest's state is then unknown.
type wasmClass struct {
	key    string
	mod    *wasmModule
	pool   chan *wasmInst // idle instances of this element
	props  []mediation.ClassProperty
	budget time.Duration
}

// wasmClassPrefix marks a class name that names a WebAssembly module.
const wasmClassPrefix = "wasm:"

// wasmTimeBudget is the wall-clock budget of one call: generous, since it
// is wall time on a shared CPU. A variable so tests can lower it.
var wasmTimeBudget = time.Second

// wasmStartBudget bounds starting an instance (copying the module's data
// and running its _initialize: a Go guest's runtime and package init). It
// is longer than a call's budget because starting is mostly the host's
// work and, under a burst of concurrent first calls on a busy CPU, several
// starts share the cores; it still stops a guest whose init never returns.
var wasmStartBudget = 10 * time.Second

// wasmPoolSize is how many idle instances an element keeps: more concurrent
// calls than this start extra instances, closed again when they come back
// to a full pool.
var wasmPoolSize = max(8, 2*runtime.GOMAXPROCS(0))

// wasmMemoryLimitPages caps every instance's linear memory, in 64 KiB
// pages: 512 = 32 MiB. A Go (wasip1) guest needs a few MiB for its runtime
// and heap. It is a runtime-wide setting in wazero, fixed when the first
// module is compiled.
const wasmMemoryLimitPages = 512

// wasmExport is the function a module exports: mediate() -> i32.
const wasmExport = "mediate"

// Results of mediate (samples/wasm/README.md).
const (
	wasmStop     = 0
	wasmContinue = 1
	wasmRespond  = 2
)

// wasmStderrLimit is how much of what a guest writes to stderr during a
// call is kept for the error of a failed call (a Go guest's panic message).
const wasmStderrLimit = 512

// newWasmClass compiles <class name="wasm:KEY">: the key must resolve to a
// WebAssembly module, which is compiled (or found compiled) and
// instantiated once to prove its imports are the host API's; that instance
// seeds the element's pool. When the compiled sequence is dropped (a
// redeploy), a cleanup closes the pooled instances (wazero keeps every
// instance until it is closed).
func newWasmClass(el *etree.Element, c *mediation.Compiler, name string, props []mediation.ClassProperty) (mediation.Mediator, error) {
	key := strings.TrimSpace(strings.TrimPrefix(name, wasmClassPrefix))
	if key == "" {
		return nil, c.Errorf(el, "name=%q: wasm: needs the key of a module (a local entry or gov:/conf: registry resource)", name)
	}
	res, err := c.MustResource(el, "name", key)
	if err != nil {
		return nil, err
	}
	bin := []byte(res.Text)
	if res.XML != nil || !bytes.HasPrefix(bin, []byte("\x00asm")) {
		return nil, c.Errorf(el, "name=%q: %s is not a WebAssembly module (no \\0asm header)", name, res.File)
	}
	m, err := loadWasmModule(bin)
	if err != nil {
		return nil, c.Errorf(el, "name=%q: %v", name, err)
	}
	inst, err := m.instantiate()
	if err != nil {
		return nil, c.Errorf(el, "name=%q: %v", name, err)
	}
	w := &wasmClass{key: key, mod: m, pool: make(chan *wasmInst, wasmPoolSize), props: props, budget: wasmTimeBudget}
	w.pool <- inst
	runtime.AddCleanup(w, closePool, w.pool)
	c.NeedsBody = true // a module may read or replace the payload
	return w, nil
}

// Mediate implements mediation.Mediator.
func (w *wasmClass) Mediate(mc *mediation.MessageContext) (bool, error) {
	inst, err := w.get()
	if err != nil {
		return false, fmt.Errorf("class wasm:%s: %w", w.key, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.budget)
	call := &wasmCall{Context: ctx, mc: mc, class: w}
	inst.stderr.reset()
	inst.stack[0] = 0
	err = inst.fn.CallWithStack(call, inst.stack[:])
	cancel()
	if err != nil {
		// Its state is unknown (and a timed-out one is closed already).
		inst.close()
		// The message's own error (a payload over the limits) keeps its
		// type, so the client gets 400, not 500.
		if call.err != nil {
			return false, fmt.Errorf("class wasm:%s: %w", w.key, call.err)
		}
		return false, fmt.Errorf("class wasm:%s: %w", w.key, wasmError(err, w.budget, &inst.stderr))
	}
	res := int32(uint32(inst.stack[0]))
	w.put(inst) // from here on another request may be using inst
	if call.failed != "" {
		return false, fmt.Errorf("class wasm:%s: %s", w.key, call.failed)
	}
	switch res {
	case wasmContinue:
		return true, nil
	case wasmStop:
		return false, nil
	case wasmRespond:
		mc.Outcome = mediation.Respond
		return false, nil
	default:
		return false, fmt.Errorf("class wasm:%s: mediate returned %d (want 0 stop, 1 continue or 2 respond)", w.key, res)
	}
}

// errWasmBudget is the error of a call that ran out of time.
var errWasmBudget = errors.New("ran longer than its budget and was interrupted")

// wasmError turns a failed call into a message: the budget, the guest's
// exit (a Go guest out of memory exits 2 after writing why to stderr), or
// the trap.
func wasmError(err error, budget time.Duration, stderr *headBuffer) error {
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		switch ee.ExitCode() {
		case sys.ExitCodeDeadlineExceeded, sys.ExitCodeContextCanceled:
			return fmt.Errorf("%w (%s)", errWasmBudget, budget)
		}
		return fmt.Errorf("the module exited with code %d%s", ee.ExitCode(), stderr.suffix())
	}
	msg, _, _ := strings.Cut(err.Error(), "\n") // wazero appends the guest's stack trace
	return fmt.Errorf("%s%s", msg, stderr.suffix())
}

// wasmCall is the context of one call: the host functions find the message
// through it (ctx.Value), so an instance holds nothing of a request
// between calls.
type wasmCall struct {
	context.Context
	mc     *mediation.MessageContext
	class  *wasmClass
	failed string // set by fail()
	err    error  // a message error a host call ended the call with (payload_get)
}

type wasmCallKey struct{}

// Value implements context.Context.
func (c *wasmCall) Value(k any) any {
	if k == (wasmCallKey{}) {
		return c
	}
	return c.Context.Value(k)
}

// headBuffer keeps the first wasmStderrLimit bytes written to it: a Go
// guest writes why it died first and its goroutine traces after.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := wasmStderrLimit - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) reset() { h.b = h.b[:0] }

// suffix is ": <what the guest wrote to stderr, up to its first trace>" or "".
func (h *headBuffer) suffix() string {
	s := strings.ToValidUTF8(string(h.b), "?")
	for _, cut := range []string{"\n\ngoroutine ", "\ngoroutine ", "\n[signal", "\nruntime stack:"} {
		if i := strings.Index(s, cut); i > 0 {
			s = s[:i]
		}
	}
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return ": " + strings.ReplaceAll(s, "\n", " | ")
}
