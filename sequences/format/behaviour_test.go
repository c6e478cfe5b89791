package format

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// corpus is the shared conformance corpus of real WSO2/Synapse sequences.
const corpus = "../../../shared/conformance/synapse"

// TestCorpus formats every corpus file that compiles: the result must be
// accepted (Source checks it compiles and holds the same document),
// idempotent, and behave like the original on a sample request.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.xml"))
	if len(files) == 0 {
		t.Skip("no conformance corpus at " + corpus)
	}
	formatted, changed := 0, 0
	for _, f := range files {
		src := readFile(t, f)
		if _, err := sequences.Compile(f, src); err != nil {
			continue // refused by the compiler: fmt refuses it too
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, err := Source(f, src)
			if err != nil {
				t.Fatal(err)
			}
			formatted++
			if string(out) != string(src) {
				changed++
			}
			assertIdempotent(t, f, out)
			if !callsOut(src) {
				assertSameBehaviour(t, src, out)
			}
		})
	}
	t.Logf("%d of %d corpus files formatted, %d of them changed", formatted, len(files), changed)
	if formatted < len(files)/2 {
		t.Errorf("only %d of %d corpus files formatted", formatted, len(files))
	}
}

// callsOut reports a sequence that would make network calls when run
// (call, send with receive=): those are compared as documents only.
func callsOut(src []byte) bool {
	s := string(src)
	return strings.Contains(s, "<call") || strings.Contains(s, "receive=")
}

// assertSameBehaviour runs the original and the formatted sequence on the
// same JSON and XML requests and compares what each leaves behind.
func assertSameBehaviour(t *testing.T, orig, formatted []byte) {
	t.Helper()
	for _, req := range sampleRequests {
		a, b := run(t, orig, req), run(t, formatted, req)
		if a != b {
			t.Errorf("behaviour differs on %s request:\n--- original\n%s--- formatted\n%s", req.ct, a, b)
		}
	}
}

var sampleRequests = []struct{ ct, body string }{
	{"application/json", `{"id":"a1","items":[1,2]}`},
	{"application/xml", `<order><id>a1</id></order>`},
}

// run compiles src and mediates one request, returning a transcript of the
// outcome, status, headers, body and properties. MessageID is fixed: it
// is otherwise random per message.
func run(t *testing.T, src []byte, req struct{ ct, body string }) string {
	t.Helper()
	seq, err := sequences.Compile("x.xml", src)
	if err != nil {
		t.Fatal(err)
	}
	mc := &mediation.MessageContext{}
	r := &fasthttp.Request{}
	r.Header.SetMethod("POST")
	r.SetRequestURI("/t/api/1.0/orders?q=1")
	r.Header.SetContentType(req.ct)
	r.Header.Set("X-Id", "a1")
	r.SetBodyString(req.body)
	mc.Reset(r, &fasthttp.Response{})
	mc.Props.Set("MessageID", "urn:uuid:00000000-0000-0000-0000-000000000001") // else random per run
	cont, err := seq.Mediate(mc)
	var b strings.Builder
	fmt.Fprintf(&b, "cont=%v err=%v outcome=%v status=%d\n", cont, err, mc.Outcome, mc.Resp.StatusCode())
	var hs []string
	mc.RangeHeaders(func(k, v []byte) { hs = append(hs, string(k)+": "+string(v)) })
	sort.Strings(hs)
	fmt.Fprintf(&b, "headers=%q\nbody=%s\n", hs, mc.Body())
	mc.Props.Range(func(k, v string) bool {
		fmt.Fprintf(&b, "prop %s=%q\n", k, v)
		return true
	})
	return b.String()
}
