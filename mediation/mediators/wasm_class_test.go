package mediators

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/tests/testbin"
)

// wasmResolver holds the sample modules under gov:/mediators/<name>.wasm.
// It keeps each compiled module alive for the whole test binary: the
// cache is weak, and compiling a 2 MB module again in every test costs
// tens of seconds under -race.
func wasmResolver(t testing.TB, names ...string) mapResolver {
	t.Helper()
	r := mapResolver{}
	for _, n := range names {
		bin := testbin.WasmSampleBytes(t, n)
		m, err := loadWasmModule(bin)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		wasmKeep.Store(n, m)
		r["gov:/mediators/"+n+".wasm"] = string(bin)
	}
	return r
}

var wasmKeep sync.Map // sample name -> *wasmModule

const wasmRewrite = `<class name="wasm:gov:/mediators/rewrite.wasm"><property name="tag" expression="$trp:X-Tag"/></class>` +
	`<property name="after" expression="get-property('wasm.size')"/>`

// TestWasmClassRewrite runs the sample module: it reads and removes a
// header, sets another, wraps the payload, reads a <class> property (an
// expression, evaluated for this message) and sets a property a later
// mediator reads.
func TestWasmClassRewrite(t *testing.T) {
	l, _, err := compileWith(wasmResolver(t, "rewrite"), wasmRewrite)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "POST /x HTTP/1.1\nHost: h\nX-Name: ada\nX-Tag: t1\nContent-Type: application/json\n\n{\"a\": 1}\n", "")
	cont, err := l.Mediate(e.mc)
	if err != nil || !cont {
		t.Fatalf("Mediate = %v, %v", cont, err)
	}
	mc := e.mc
	if got := mc.Header("X-Greeting"); got != "hello ada" {
		t.Errorf("X-Greeting = %q", got)
	}
	if got := mc.Header("X-Name"); got != "" {
		t.Errorf("X-Name = %q, want removed", got)
	}
	if got, want := string(mc.Body()), `{"by":"t1","original":{"a": 1}}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if got, _ := mc.Props.Get("after"); got != "8" {
		t.Errorf("property after = %q, want 8 (set by the module as wasm.size)", got)
	}
	if n := e.logs.FilterMessage("rewrote 8 bytes for ada").Len(); n != 1 {
		t.Errorf("module's log line seen %d times, want 1: %v", n, e.logs.All())
	}
}

// TestWasmClassBadPayload: a payload over the limits, read by a module, is
// the payload's error (the client gets 400), not the module's.
func TestWasmClassBadPayload(t *testing.T) {
	l, _, err := compileWith(wasmResolver(t, "rewrite"), wasmRewrite)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "POST /x HTTP/1.1\nHost: h\nContent-Type: application/json\n\n[[[[[[1]]]]]]\n", "")
	e.mc.Limits.MaxJSONDepth = 3
	cont, err := l.Mediate(e.mc)
	if cont || !errors.Is(err, mediation.ErrBadPayload) {
		t.Fatalf("Mediate = %v, %v; want an ErrBadPayload error", cont, err)
	}
}

// TestWasmClassConcurrent: many requests at once through one module, each
// with its own name, tag and payload; each must see only its own (an
// instance is never shared by two calls, and keeps nothing between them).
func TestWasmClassConcurrent(t *testing.T) {
	l, _, err := compileWith(wasmResolver(t, "rewrite"), wasmRewrite)
	if err != nil {
		t.Fatal(err)
	}
	const workers, per = 8, 25
	var wg sync.WaitGroup
	errs := make(chan string, workers*per)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				id := fmt.Sprintf("w%d-%d", w, i)
				body := `{"id":"` + id + `","pad":"` + strings.Repeat("x", (w*per+i)%300) + `"}`
				e := newEnv(t, "POST /x HTTP/1.1\nHost: h\nX-Name: "+id+"\nX-Tag: tag-"+id+"\nContent-Type: application/json\n\n"+body+"\n", "")
				cont, err := l.Mediate(e.mc)
				if err != nil || !cont {
					errs <- fmt.Sprintf("%s: %v %v", id, cont, err)
					continue
				}
				if got := e.mc.Header("X-Greeting"); got != "hello "+id {
					errs <- fmt.Sprintf("%s: X-Greeting = %q", id, got)
				}
				if got, want := string(e.mc.Body()), `{"by":"tag-`+id+`","original":`+body+`}`; got != want {
					errs <- fmt.Sprintf("%s: body = %s, want %s", id, got, want)
				}
				if got, _ := e.mc.Props.Get("after"); got != strconv.Itoa(len(body)) {
					errs <- fmt.Sprintf("%s: wasm.size = %q, want %d", id, got, len(body))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestWasmClassTimeBudget: a module that never returns is interrupted at
// its budget, the call is a mediation error, and the module keeps serving
// (the next call gets a fresh instance).
func TestWasmClassTimeBudget(t *testing.T) {
	defer func(b time.Duration) { wasmTimeBudget = b }(wasmTimeBudget)
	wasmTimeBudget = 200 * time.Millisecond
	res := wasmResolver(t, "spin", "rewrite")
	l, _, err := compileWith(res, `<class name="wasm:gov:/mediators/spin.wasm"/>`)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
		cont, err := l.Mediate(e.mc)
		if cont || err == nil || !strings.Contains(err.Error(), "ran longer than its budget") {
			t.Fatalf("Mediate = %v, %v; want the budget error", cont, err)
		}
	}
	if got := len(wasmClassOf(t, l).pool); got != 0 {
		t.Errorf("%d interrupted instances went back to the pool", got)
	}
}

// TestWasmClassMemoryBudget: a module that allocates without end cannot
// grow its memory past the limit; the Go guest exits and the call is a
// mediation error naming why.
func TestWasmClassMemoryBudget(t *testing.T) {
	defer func(b time.Duration) { wasmTimeBudget = b }(wasmTimeBudget)
	wasmTimeBudget = time.Minute // the memory limit must stop it, not the clock (filling 32 MiB takes ~1 s here)
	l, _, err := compileWith(wasmResolver(t, "hog"), `<class name="wasm:gov:/mediators/hog.wasm"/>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
	cont, err := l.Mediate(e.mc)
	if cont || err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Fatalf("Mediate = %v, %v; want the module's out-of-memory exit", cont, err)
	}
	if got := len(wasmClassOf(t, l).pool); got != 0 {
		t.Errorf("%d failed instances went back to the pool", got)
	}
}

func wasmClassOf(t *testing.T, l mediation.List) *wasmClass {
	t.Helper()
	for _, m := range l {
		if w, ok := m.(*wasmClass); ok {
			return w
		}
	}
	t.Fatalf("no wasm class in %T", l)
	return nil
}

// TestWasmClassCompileErrors: what deploy refuses, with the reason.
func TestWasmClassCompileErrors(t *testing.T) {
	res := mapResolver{
		"gov:/text.wasm":  "not a module",
		"gov:/xml.wasm":   "<a/>",
		"gov:/empty.wasm": "\x00asm\x01\x00\x00\x00", // a valid module exporting nothing
		"gov:/trunc.wasm": "\x00asm\x01\x00\x00\x00\x01\x05",
		"gov:/env.wasm":   wasmImportsEnv,
	}
	for _, tc := range []struct{ name, src, want string }{
		{"no key", `<class name="wasm:"/>`, "wasm: needs the key of a module"},
		{"unknown key", `<class name="wasm:gov:/none.wasm"/>`, `name="gov:/none.wasm": no registry resource`},
		{"text", `<class name="wasm:gov:/text.wasm"/>`, "is not a WebAssembly module"},
		{"xml", `<class name="wasm:gov:/xml.wasm"/>`, "is not a WebAssembly module"},
		{"no mediate export", `<class name="wasm:gov:/empty.wasm"/>`, "exports no mediate function"},
		{"truncated", `<class name="wasm:gov:/trunc.wasm"/>`, "wasm:"},
		{"other child", `<class name="wasm:gov:/empty.wasm"><foo/></class>`, "only <property> children"},
		{"imports beyond the host API", `<class name="wasm:gov:/env.wasm"/>`, "the module imports env.x; a mediator may import only the seqgate host API"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := compileWith(res, tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestWasmClassRespond: mediate's result 2 answers the client with what
// the module set (the status from the axis2 property HTTP_SC).
func TestWasmClassRespond(t *testing.T) {
	l, _, err := compileWith(wasmResolver(t, "stamp"), `<class name="wasm:gov:/mediators/stamp.wasm">`+
		`<property name="stamp" value="s"/><property name="answer" value='{"done":true}'/></class>`+
		`<property name="not-reached" value="1"/>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
	cont, err := l.Mediate(e.mc)
	if err != nil || cont || e.mc.Outcome != mediation.Respond {
		t.Fatalf("Mediate = %v, %v, outcome %v; want stop with Respond", cont, err, e.mc.Outcome)
	}
	if got := string(e.mc.Body()); got != `{"done":true}` {
		t.Errorf("body = %s", got)
	}
	if got, _ := e.mc.Property(mediation.ScopeAxis2, "HTTP_SC"); got != "201" {
		t.Errorf("HTTP_SC = %q, want 201", got)
	}
	if _, ok := e.mc.Props.Get("not-reached"); ok {
		t.Error("the mediator after a responding module ran")
	}
}

// TestWasmClassReleased: a module no deployed sequence uses any more is
// collected, its instances and compiled code closed (a redeploy of a
// changed module must not keep the old one forever).
func TestWasmClassReleased(t *testing.T) {
	sum := sha256.Sum256([]byte(wasmTiny))
	l, _, err := compileWith(mapResolver{"gov:/s.wasm": wasmTiny}, `<class name="wasm:gov:/s.wasm"/>`)
	if err != nil {
		t.Fatal(err)
	}
	if cont, err := l.Mediate(newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "").mc); !cont || err != nil {
		t.Fatal(cont, err)
	}
	l = nil
	for i := 0; i < 50; i++ { // cleanups run after a GC, on their own goroutine
		runtime.GC()
		wasmModules.Lock()
		_, held := wasmModules.m[sum]
		wasmModules.Unlock()
		if !held {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("the unused module is still held after 50 collections")
}

// wasmTiny is a hand-assembled module of 41 bytes: mediate() returns 1.
// No memory, no imports, no _initialize: not every guest is a Go program.
const wasmTiny = "\x00asm\x01\x00\x00\x00" +
	"\x01\x05\x01\x60\x00\x01\x7f" + // type 0: () -> i32
	"\x03\x02\x01\x00" + // function 0 has type 0
	"\x07\x0b\x01\x07mediate\x00\x00" + // export "mediate" = function 0
	"\x0a\x06\x01\x04\x00\x41\x01\x0b" // body: i32.const 1; end

// wasmImportsEnv is wasmTiny importing env.x: a module asking for more
// than the host API.
const wasmImportsEnv = "\x00asm\x01\x00\x00\x00" +
	"\x01\x05\x01\x60\x00\x01\x7f" +
	"\x02\x09\x01\x03env\x01x\x00\x00" + // import env.x: type 0
	"\x03\x02\x01\x00" +
	"\x07\x0b\x01\x07mediate\x00\x01" + // mediate is function 1 (after the import)
	"\x0a\x06\x01\x04\x00\x41\x01\x0b"

// wasmBadPointer calls header_get with a name 100 bytes long starting 6
// bytes before the end of its one page of memory.
const wasmBadPointer = "\x00asm\x01\x00\x00\x00" +
	"\x01\x0d\x02\x60\x04\x7f\x7f\x7f\x7f\x01\x7f\x60\x00\x01\x7f" + // (i32 x4) -> i32; () -> i32
	"\x02\x16\x01\x07seqgate\x0aheader_get\x00\x00" + // import seqgate.header_get
	"\x03\x02\x01\x01" + // function 1 has type 1
	"\x05\x03\x01\x00\x01" + // one memory of 1 page
	"\x07\x0b\x01\x07mediate\x00\x01" +
	"\x0a\x14\x01\x12\x00" + // one body of 18 bytes, no locals:
	"\x41\xfa\xff\x03\x41\xe4\x00\x41\x00\x41\x00" + // 65530, 100, 0, 0
	"\x10\x00\x1a\x41\x01\x0b" // call header_get; drop; i32.const 1; end

// TestWasmClassBadPointer: a module handing the host a pointer outside its
// memory gets an error for that call (no panic in the gateway), and the
// instance is thrown away.
func TestWasmClassBadPointer(t *testing.T) {
	l, _, err := compileWith(mapResolver{"gov:/bad.wasm": wasmBadPointer}, `<class name="wasm:gov:/bad.wasm"/>`)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		cont, err := l.Mediate(newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "").mc)
		if cont || err == nil || !strings.Contains(err.Error(), "100 bytes at 65530 are outside the module's memory") {
			t.Fatalf("Mediate = %v, %v; want the bad pointer named", cont, err)
		}
	}
	if got := len(wasmClassOf(t, l).pool); got != 0 {
		t.Errorf("%d failed instances went back to the pool", got)
	}
}

// TestWasmClassSharedCompile: two sequences naming the same bytes share one
// compiled module (a redeploy that keeps the module does not recompile),
// but not instances: each element has its own pool.
func TestWasmClassSharedCompile(t *testing.T) {
	res := wasmResolver(t, "rewrite")
	l1, _, err := compileWith(res, wasmRewrite)
	if err != nil {
		t.Fatal(err)
	}
	l2, _, err := compileWith(res, wasmRewrite)
	if err != nil {
		t.Fatal(err)
	}
	w1, w2 := wasmClassOf(t, l1), wasmClassOf(t, l2)
	if w1.mod != w2.mod {
		t.Error("the same module was compiled twice")
	}
	if w1.pool == w2.pool {
		t.Error("two elements share a pool of instances")
	}
}

// BenchmarkWasmClass is the cost of one call of the sample module (read
// and remove a header, set one, read and replace a small JSON payload, set
// a property), with the message set up outside the timer.
func BenchmarkWasmClass(b *testing.B) {
	l, _, err := compileWith(wasmResolver(b, "rewrite"), `<class name="wasm:gov:/mediators/rewrite.wasm"><property name="tag" value="b"/></class>`)
	if err != nil {
		b.Fatal(err)
	}
	e := newEnv(b, "POST /x HTTP/1.1\nHost: h\nX-Name: ada\nContent-Type: application/json\n\n{\"a\": 1}\n", "")
	body := []byte(`{"a": 1}`)
	b.ReportAllocs()
	for b.Loop() {
		e.mc.SetHeader("X-Name", "ada")
		e.mc.SetBody(body)
		if cont, err := l.Mediate(e.mc); err != nil || !cont {
			b.Fatal(cont, err)
		}
	}
}
