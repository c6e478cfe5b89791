package e2e

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// TestWasmMediator runs a WebAssembly custom mediator (samples/wasm/rewrite,
// built here with GOOS=wasip1) from the registry through the real binary
// against a real backend: it rewrites a header and the payload and sets a
// property a later mediator reads; a changed .wasm is hot-deployed (the
// sequence is untouched); a module that loops forever is interrupted at
// the per-call budget and answered through the fault sequence while the
// gateway keeps serving other requests.
func TestWasmMediator(t *testing.T) {
	t.Parallel()
	rewrite := string(testbin.WasmSampleBytes(t, "rewrite"))
	stamp := string(testbin.WasmSampleBytes(t, "stamp"))
	spin := string(testbin.WasmSampleBytes(t, "spin"))

	g := startGateway(t, gwConfig{})
	_, gov := resourceDirs(g)
	writeResource(t, filepath.Join(gov, "mediators", "m.wasm"), rewrite)
	writeResource(t, filepath.Join(gov, "mediators", "spin.wasm"), spin)
	writeSeq(t, g.superDir, "fault.xml", seq("fault",
		`<payloadFactory media-type="json"><format>{"fault":"wasm","detail":"$1"}</format>`+
			`<args><arg expression="$ctx:ERROR_MESSAGE"/></args></payloadFactory>`,
		`<property name="HTTP_SC" scope="axis2" value="503"/>`,
		`<respond/>`))
	writeSeq(t, g.superDir, "global_in.xml", seq("WSO2AM--Ext--In",
		`<filter source="$trp:X-Spin" regex="yes"><then><class name="wasm:gov:/mediators/spin.wasm"/></then></filter>`,
		`<class name="wasm:gov:/mediators/m.wasm"><property name="tag" value="e2e"/><property name="stamp" expression="$trp:X-Want-Stamp"/></class>`,
		setHeaderExpr("X-Size", "get-property('wasm.size')")))

	post := func(hdr ...string) (resp, recReq, bool) {
		r := g.doReq("POST", "/orders/1.0.0/1", withKey(keyApp1, hdr...), `{"in": 1}`)
		if r.Status != http.StatusOK {
			return r, recReq{}, false
		}
		got, ok := g.backend.byID(r.ID)
		return r, got, ok
	}
	var got recReq
	// Generous: the first deploy compiles two ~2 MB modules on a shared CPU
	// (much slower in a race-built gateway).
	waitFor(t, "the wasm mediator is served", 3*time.Minute, func() bool {
		var ok bool
		_, got, ok = post("X-Name", "ada")
		return ok && got.Header.Get("X-Greeting") != ""
	})
	if v := got.Header.Get("X-Greeting"); v != "hello ada" {
		t.Errorf("backend X-Greeting = %q, want %q", v, "hello ada")
	}
	if v, ok := got.Header["X-Name"]; ok {
		t.Errorf("backend got X-Name %q, want it removed by the module", v)
	}
	if v := got.Header.Get("X-Size"); v != "9" {
		t.Errorf("backend X-Size = %q, want 9 (the module's wasm.size property, read by the next mediator)", v)
	}
	var body struct {
		By       string         `json:"by"`
		Original map[string]any `json:"original"`
	}
	if err := json.Unmarshal(got.Body, &body); err != nil || body.By != "e2e" || body.Original["in"] != 1.0 {
		t.Errorf("backend body %s (%v), want the module's envelope around the payload", got.Body, err)
	}

	// A changed module is redeployed with the sequence that uses it.
	writeResource(t, filepath.Join(gov, "mediators", "m.wasm"), stamp)
	waitFor(t, "the changed .wasm is served", 3*time.Minute, func() bool {
		_, got, ok := post("X-Want-Stamp", "v2")
		return ok && got.Header.Get("X-Stamp") == "v2" && got.Header.Get("X-Greeting") == ""
	})

	// A runaway module: the fault sequence answers, within the budget
	// (1 s; the bound below only tells "interrupted" from "hung"), while
	// other requests keep being served.
	var wg sync.WaitGroup
	others := make(chan string, 20)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if r, got, ok := post("X-Want-Stamp", "ok"); !ok || got.Header.Get("X-Stamp") != "ok" {
					others <- string(r.Body)
				}
			}
		}()
	}
	for range 2 {
		start := time.Now()
		r := g.doReq("POST", "/orders/1.0.0/1", withKey(keyApp1, "X-Spin", "yes"), `{"in": 1}`)
		took := time.Since(start)
		if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), "ran longer than its budget") {
			t.Errorf("runaway module: %d %s, want the fault sequence's 503 naming the budget", r.Status, r.Body)
		}
		if took > 20*time.Second {
			t.Errorf("runaway module answered after %v, want about its 1 s budget", took)
		}
		if _, reached := g.backend.byID(r.ID); reached {
			t.Error("the interrupted request reached the backend")
		}
	}
	wg.Wait()
	close(others)
	for b := range others {
		t.Errorf("a request beside the runaway module failed: %s", b)
	}
	if _, _, ok := post("X-Want-Stamp", "after"); !ok {
		t.Error("the gateway stopped serving after the runaway module")
	}
}
