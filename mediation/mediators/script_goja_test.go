package mediators

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// TestJSScriptTable: one line per mc feature, run on a JSON request.
func TestJSScriptTable(t *testing.T) {
	const req = "POST /o/1.0.0/x HTTP/1.1\nHost: h\nContent-Type: application/json\nX-Trace: t-1\n\n{\"a\":1,\"list\":[1,2,3]}\n"
	tests := []struct{ name, src, want string }{
		{"property default", `<script language="js">mc.setProperty("p", "v"); mc.setProperty("q", mc.getProperty("p") + "2")</script>`, `ctx:q = "v2"`},
		{"property missing is null", `<script language="js">mc.setProperty("n", String(mc.getProperty("nope") === null))</script>`, `ctx:n = "true"`},
		{"property axis2", `<script language="js">mc.setProperty("HTTP_SC", 201, "axis2"); mc.setProperty("sc", mc.getProperty("HTTP_SC", "axis2"))</script>`, `ctx:sc = "201"`},
		{"property transport", `<script language="js">mc.setProperty("X-New", "1", "transport"); mc.setProperty("t", mc.getProperty("X-Trace", "transport"))</script>`, "X-New: 1"},
		{"remove property", `<property name="r" value="x"/><script language="js">mc.removeProperty("r"); mc.setProperty("gone", String(mc.getProperty("r")))</script>`, `ctx:gone = "null"`},
		{"transport headers", `<script language="js">var h = mc.getTransportHeaders(); mc.setProperty("h", h["X-Trace"])</script>`, `ctx:h = "t-1"`},
		{"loop sum", `<script language="js">var s = 0; mc.getPayloadJSON().list.forEach(function (x) { s += x; }); mc.setProperty("sum", s)</script>`, `ctx:sum = "6"`},
		{"object property is JSON", `<script language="js">mc.setProperty("o", {b: [1, "x"]})</script>`, `ctx:o = "{\"b\":[1,\"x\"]}"`},
		{"payload JSON text", `<script language="js">mc.setPayloadJSON('{"z":1,"a":2}')</script>`, `{"z":1,"a":2}`},
		{"payload XML", `<script language="js"><![CDATA[mc.setPayloadXML('<r><a>' + mc.getPayloadJSON().a + '</a></r>'); mc.setProperty("x", mc.getPayloadXML())]]></script>`, `ctx:x = "<r><a>1</a></r>"`},
		{"E4X literal", `<script language="js"><![CDATA[var who = "a&b"; mc.setPayloadXML(<hello at={who}>{who} {1+1}</hello>);]]></script>`, `<hello at="a&amp;b">a&amp;b 2</hello>`},
		{"XML view of JSON", `<script language="js">mc.setProperty("x", mc.getPayloadXML())</script>`, `ctx:x = "<jsonObject><a>1</a><list>1</list><list>2</list><list>3</list></jsonObject>"`},
		{"bad XML", `<script language="js"><![CDATA[mc.setPayloadXML("<a>" + "")]]></script>`, "mc.setPayloadXML: not well-formed XML"},
		{"bad JSON", `<script language="js">mc.setPayloadJSON("{")</script>`, "mc.setPayloadJSON: not valid JSON"},
		{"thrown error", `<script language="js">throw new Error("boom")</script>`, "boom"},
		{"refused at run time", `<script language="js">var m = mc; m.setTo("x")</script>`, "mc.setTo: not supported"},
		{"caught mc error", `<script language="js">try { mc.setPayloadJSON("{") } catch (e) { mc.setProperty("caught", "yes") }</script>`, `ctx:caught = "yes"`},
		{"deep recursion", `<script language="js">function f(n) { return f(n + 1) } f(0)</script>`, "script:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, err := compileSnippet(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, req, "")
			cont, err := l.Mediate(e.mc)
			if got := e.transcript(cont, err); !strings.Contains(got, tt.want) {
				t.Errorf("transcript:\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
}

// TestJSScriptNoBody: getPayloadJSON of an empty body is null.
func TestJSScriptNoBody(t *testing.T) {
	l, _, err := compileSnippet(`<script language="js">mc.setProperty("p", String(mc.getPayloadJSON() === null))</script>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "GET / HTTP/1.1\nHost: h\n", "")
	cont, err := l.Mediate(e.mc)
	if got := e.transcript(cont, err); !strings.Contains(got, `ctx:p = "true"`) {
		t.Errorf("transcript:\n%s", got)
	}
}

// TestJSScriptCompileErrors: what is refused at deploy time, and why.
func TestJSScriptCompileErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", `<script language="js">var = ;</script>`, "javascript: "},
		{"no function", `<script language="js" function="nope">function other(mc) {}</script>`, `no function "nope"`},
		{"bad function name", `<script language="js" function="a b">function a(mc) {}</script>`, "not a JavaScript function name"},
		{"getEnvelope", `<script language="js">mc.getEnvelope()</script>`, "mc.getEnvelope() is not supported"},
		{"empty", `<script language="js">  </script>`, "empty script"},
		{"load loops", `<script language="js" function="f">while (true) {} function f(mc) {}</script>`, "budget"},
		{"groovy", `<script language="groovy">x</script>`, `"groovy" is not supported`},
		{"unterminated E4X", `<script language="js"><![CDATA[mc.setPayloadXML(<a>)]]></script>`, "unterminated XML literal"},
	}
	defer setJSBudget(50 * time.Millisecond)()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := compileSnippet(tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func setJSBudget(d time.Duration) func() {
	old := jsTimeBudget
	jsTimeBudget = d
	return func() { jsTimeBudget = old }
}

// TestJSScriptKey: key= and <include key> resolve through the tenant's
// local entries / registry; function defaults to "mediate".
func TestJSScriptKey(t *testing.T) {
	res := mapResolver{
		"conf:/scripts/lib.js": `function double(x) { return 2 * x; }`,
		"conf:/scripts/a.js":   `function mediate(mc) { mc.setProperty("d", double(mc.getPayloadJSON().a)); }`,
	}
	l, _, err := compileWith(res, `<script language="js" key="conf:/scripts/a.js"><include key="conf:/scripts/lib.js"/></script>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "POST /o HTTP/1.1\nHost: h\nContent-Type: application/json\n\n{\"a\":21}\n", "")
	cont, err := l.Mediate(e.mc)
	if got := e.transcript(cont, err); !strings.Contains(got, `ctx:d = "42"`) {
		t.Errorf("transcript:\n%s", got)
	}
	if _, _, err := compileWith(res, `<script language="js" key="conf:/scripts/missing.js"/>`); err == nil || !strings.Contains(err.Error(), "missing.js") {
		t.Errorf("missing key: err = %v", err)
	}
}

// TestJSScriptInfiniteLoop: a script that never ends is interrupted within
// its budget, answered as a mediation error, its runtime is thrown away,
// and the script keeps serving the next requests.
func TestJSScriptInfiniteLoop(t *testing.T) {
	defer setJSBudget(50 * time.Millisecond)()
	l, _, err := compileSnippet(`<script language="js">if (mc.getHeader("X-Loop") == "1") { while (true) {} } mc.setProperty("ok", "1")</script>`)
	if err != nil {
		t.Fatal(err)
	}
	s := l[0].(*jsScript)
	e := newEnv(t, "GET / HTTP/1.1\nHost: h\nX-Loop: 1\n", "")
	_, err = l.Mediate(e.mc)
	if err == nil || !strings.Contains(err.Error(), "budget") {
		t.Fatalf("err = %v, want the budget error", err)
	}
	if n := len(s.pool); n != 0 {
		t.Errorf("the interrupted runtime went back to the pool (%d pooled)", n)
	}
	for i := 0; i < 3; i++ {
		e := newEnv(t, "GET / HTTP/1.1\nHost: h\n", "")
		cont, err := l.Mediate(e.mc)
		if got := e.transcript(cont, err); !strings.Contains(got, `ctx:ok = "1"`) {
			t.Fatalf("after the loop, request %d:\n%s", i, got)
		}
	}
}

// TestJSScriptBodyLimit: a script cannot hand back more than the body limit.
func TestJSScriptBodyLimit(t *testing.T) {
	l, _, err := compileSnippet(`<script language="js">var s = "x"; while (s.length &lt; 5000) { s += s; } mc.setPayloadJSON(JSON.stringify(s))</script>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "GET / HTTP/1.1\nHost: h\n", "")
	e.mc.Limits.MaxBodyBytes = 1000
	if _, err := l.Mediate(e.mc); err == nil || !strings.Contains(err.Error(), "over the body limit") {
		t.Errorf("err = %v", err)
	}
}

// TestJSScriptConcurrent: many goroutines run one compiled script on
// distinct payloads (under -race): each answer is its own, and the
// implicit globals of one request never reach another.
func TestJSScriptConcurrent(t *testing.T) {
	defer setJSBudget(time.Minute)() // under -race on a loaded machine; budgets are TestJSScriptInfiniteLoop's
	l, _, err := compileSnippet(`<script language="js"><![CDATA[
		if (typeof seen !== "undefined") { throw new Error("global leaked: " + seen); }
		seen = mc.getPayloadJSON().id;
		var out = [];
		for (var i = 0; i < 20; i++) { out.push(seen + "-" + i); }
		mc.setPayloadJSON({id: seen, last: out[19], hdr: mc.getHeader("X-Id")});
	]]></script>`)
	if err != nil {
		t.Fatal(err)
	}
	const workers, per = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*per)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				e := newEnv(t, "POST / HTTP/1.1\nHost: h\nContent-Type: application/json\nX-Id: "+id+"\n\n{\"id\":\""+id+"\"}\n", "")
				if _, err := l.Mediate(e.mc); err != nil {
					errs <- err
					continue
				}
				want := `{"id":"` + id + `","last":"` + id + `-19","hdr":"` + id + `"}`
				if got := string(e.mc.Body()); got != want {
					errs <- fmt.Errorf("got %s, want %s", got, want)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestJSCorpusScripts: the real sequences of the conformance corpus that
// use JavaScript (E4X literals) compile and run unchanged.
func TestJSCorpusScripts(t *testing.T) {
	for _, name := range []string{"mi-test__fault_message.xml", "mi-test__seq_timeout.xml"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "synapse", name))
			if err != nil {
				t.Skipf("corpus not here: %v", err)
			}
			l, _, err := compileXML(name, string(b))
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, "GET / HTTP/1.1\nHost: h\n", "")
			e.mc.SetProperty(mediation.ScopeDefault, "ERROR_MESSAGE", "timed <out>")
			cont, err := l.Mediate(e.mc)
			if err != nil || !cont {
				t.Fatalf("cont=%v err=%v", cont, err)
			}
			if body := string(e.mc.Body()); !strings.Contains(body, "timed &lt;out&gt;") || checkXML(body) != nil {
				t.Errorf("body: %s", body)
			}
		})
	}
}
