package mediation_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
	_ "github.com/seqgate/seqgate/mediation/mediators" // the mediators a trace records
	"github.com/seqgate/seqgate/sequences"
)

var update = flag.Bool("update", false, "rewrite testdata/trace/*.golden.json")

// traceSet compiles the sequence files of testdata/trace into a Set.
func traceSet(t testing.TB, files ...string) *sequences.Set {
	t.Helper()
	var entries []sequences.Entry
	for _, f := range files {
		path := filepath.Join("testdata", "trace", f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := sequences.Compile(filepath.ToSlash(path), data)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, sequences.Entry{File: s.File, Seq: s})
	}
	set, reports := sequences.Build(entries)
	for _, r := range reports {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	return set
}

// tracedContext is a request on the In path with a trace attached.
func tracedContext(t testing.TB, set *sequences.Set, raw string) *mediation.MessageContext {
	t.Helper()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	mc := &mediation.MessageContext{}
	mc.Reset(req, resp)
	mc.Sequences = set
	mc.Trace = mediation.NewTrace()
	return mc
}

const tracedRequest = "POST /orders HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nX-Mode: mock\r\n" +
	"X-Drop-Me: 1\r\nCookie: sid=1\r\nContent-Length: 25\r\n\r\n{\"id\":\"42\",\"kind\":\"book\"}"

// TestTraceGolden runs a sequence with property, header, filter, switch, a
// sequence key, payloadFactory and respond, and compares the trace (with
// durations zeroed) to testdata/trace/traced.golden.json.
func TestTraceGolden(t *testing.T) {
	set := traceSet(t, "traced.xml", "helper.xml", "fault.xml")
	mc := tracedContext(t, set, tracedRequest)
	cont, err := set.Get("traced").Mediate(mc)
	if err != nil || cont {
		t.Fatalf("Mediate = %v, %v; want false (respond), nil", cont, err)
	}
	for i := range mc.Trace.Steps {
		if mc.Trace.Steps[i].Duration <= 0 {
			t.Errorf("step %d: duration %v, want > 0", i, mc.Trace.Steps[i].Duration)
		}
		mc.Trace.Steps[i].Duration = 0
	}
	got, err := json.MarshalIndent(mc.Trace, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "trace", "traced.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("trace differs from %s (run with -update to accept):\n%s", golden, got)
	}
	for _, secret := range []string{"s3cr3t", "backend-token", "sid=1", "abc"} {
		if bytes.Contains(got, []byte(secret)) {
			t.Errorf("trace shows the secret %q", secret)
		}
	}
}

// TestTraceOutcomes checks the outcome each kind of stop records, and the
// onError hand-over.
func TestTraceOutcomes(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string // mediator=outcome of each step
	}{
		{"drop", `<drop/>`, []string{"drop=drop"}},
		{"loopback", `<loopback/>`, []string{"loopback=loopback"}},
		{"send to api backend", `<send/>`, []string{"send=send (api backend)"}},
		{"filter stops", `<filter source="$trp:X-Mode" regex="mock"><then><respond/></then></filter><log/>`,
			[]string{"filter=respond", "respond=respond"}},
		{"filter false continues", `<filter source="$trp:X-Mode" regex="nope"><then><respond/></then></filter><drop/>`,
			[]string{"filter=continue", "drop=drop"}},
		{"error then onError", `<sequence key="missing"/>`,
			[]string{`sequence=error: sequence "missing" not found`, "onError=error: sequence \"t\": sequence \"missing\" not found; running sequence fault", "property=continue", "respond=respond"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="t" onError="fault">` + c.body + `</sequence>`
			seq, err := sequences.Compile("t.xml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			fault := traceSet(t, "fault.xml").Get("fault")
			set, _ := sequences.Build([]sequences.Entry{{File: "t.xml", Seq: seq}, {File: "fault.xml", Seq: fault}})
			mc := tracedContext(t, set, tracedRequest)
			_, _ = seq.Mediate(mc)
			var got []string
			for _, s := range mc.Trace.Steps {
				got = append(got, s.Mediator+"="+s.Outcome)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// BenchmarkTrace runs the golden sequence untraced (the cost every request
// pays: one nil check per list and per sequence) and traced (the cost of a
// dry-run or a header-traced request: snapshots and diffs per step).
func BenchmarkTrace(b *testing.B) {
	set := traceSet(b, "traced.xml", "helper.xml", "fault.xml")
	seq := set.Get("traced")
	for _, traced := range []bool{false, true} {
		name := "off"
		if traced {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			req := &fasthttp.Request{}
			if err := req.Read(bufio.NewReader(strings.NewReader(tracedRequest))); err != nil {
				b.Fatal(err)
			}
			mc := &mediation.MessageContext{}
			b.ReportAllocs()
			for b.Loop() {
				r := &fasthttp.Request{}
				req.CopyTo(r)
				mc.Reset(r, &fasthttp.Response{})
				mc.Sequences = set
				if traced {
					mc.Trace = mediation.NewTrace()
				}
				if _, err := seq.Mediate(mc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
