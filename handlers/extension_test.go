package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Test-only mediators, under names no real mediator can take (a dot in the
// element name), so these tests run real compiled sequences without
// depending on mediation/mediators:
//
//	<h.mark v="x"/>          appends x to the "trace" property
//	<h.stop outcome="drop"/> sets mc.Outcome and stops the flow
//	<h.fail/>                returns an error
//	<h.status code="503"/>   sets HTTP_SC and a text body (for fault sequences)
func init() {
	mediation.Register("h.mark", func(el *etree.Element, _ *mediation.Compiler) (mediation.Mediator, error) {
		v, _ := mediation.Attr(el, "v")
		return markMediator(v), nil
	})
	mediation.Register("h.stop", func(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		o, _ := mediation.Attr(el, "outcome")
		out, ok := map[string]mediation.Outcome{"respond": mediation.Respond, "drop": mediation.Drop,
			"loopback": mediation.Loopback, "": mediation.Continue}[o]
		if !ok {
			return nil, c.Errorf(el, "bad outcome %q", o)
		}
		return stopMediator(out), nil
	})
	mediation.Register("h.fail", func(*etree.Element, *mediation.Compiler) (mediation.Mediator, error) {
		return failMediator{}, nil
	})
	mediation.Register("h.status", func(el *etree.Element, _ *mediation.Compiler) (mediation.Mediator, error) {
		code, _ := mediation.Attr(el, "code")
		return statusMediator(code), nil
	})
}

type markMediator string

func (m markMediator) Mediate(mc *mediation.MessageContext) (bool, error) {
	prev, _ := mc.Props.Get("trace")
	if prev != "" {
		prev += ","
	}
	mc.Props.Set("trace", prev+string(m))
	return true, nil
}

type stopMediator mediation.Outcome

func (s stopMediator) Mediate(mc *mediation.MessageContext) (bool, error) {
	mc.Outcome = mediation.Outcome(s)
	return false, nil
}

type failMediator struct{}

func (failMediator) Mediate(*mediation.MessageContext) (bool, error) {
	return false, errors.New("boom")
}

type statusMediator string

func (s statusMediator) Mediate(mc *mediation.MessageContext) (bool, error) {
	mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", string(s))
	mc.SetBody([]byte("fault:" + string(s)))
	return true, nil
}

// buildSet compiles name -> body sequences into a Set.
func buildSet(t testing.TB, seqs map[string]string) *sequences.Set {
	t.Helper()
	var entries []sequences.Entry
	for name, body := range seqs {
		onError := ""
		if n, h, ok := strings.Cut(name, "|onError="); ok {
			name, onError = n, ` onError="`+h+`"`
		}
		src := fmt.Sprintf(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="%s"%s>%s</sequence>`, name, onError, body)
		seq, err := sequences.Compile(name+".xml", []byte(src))
		if err != nil {
			t.Fatalf("compile %s: %v", name, err)
		}
		entries = append(entries, sequences.Entry{File: name + ".xml", Seq: seq})
	}
	set, reports := sequences.Build(entries)
	for _, r := range reports {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	return set
}

const (
	apiIn  = "admin--Orders:vv1--In"
	apiOut = "admin--Orders:vv1--Out"
	glIn   = "WSO2AM--Ext--In"
	glOut  = "WSO2AM--Ext--Out"
)

func TestExtension(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name    string
		seqs    map[string]string
		dir     mediation.Direction
		cont    bool
		trace   string
		outcome mediation.Outcome
	}{
		{"no sequences", nil, mediation.In, true, "", mediation.Continue},
		{"global only", map[string]string{glIn: `<h.mark v="g"/>`}, mediation.In, true, "g", mediation.Continue},
		{"per-API only", map[string]string{apiIn: `<h.mark v="a"/>`}, mediation.In, true, "a", mediation.Continue},
		{"global then per-API", map[string]string{apiIn: `<h.mark v="a"/>`, glIn: `<h.mark v="g"/>`}, mediation.In, true, "g,a", mediation.Continue},
		{"global stops: per-API skipped", map[string]string{glIn: `<h.mark v="g"/><h.stop outcome="respond"/>`, apiIn: `<h.mark v="a"/>`},
			mediation.In, false, "g", mediation.Respond},
		{"per-API result is the handler's", map[string]string{glIn: `<h.mark v="g"/>`, apiIn: `<h.stop outcome="drop"/>`},
			mediation.In, false, "g", mediation.Drop},
		{"out side runs Out only, same order", map[string]string{glIn: `<h.mark v="gi"/>`, apiIn: `<h.mark v="ai"/>`,
			glOut: `<h.mark v="go"/>`, apiOut: `<h.mark v="ao"/>`}, mediation.Out, true, "go,ao", mediation.Continue},
		{"other API's sequence ignored", map[string]string{"admin--Open:vv1--In": `<h.mark v="x"/>`}, mediation.In, true, "", mediation.Continue},
		{"Fault direction does not exist", map[string]string{"WSO2AM--Ext--Fault": `<h.mark v="x"/>`}, mediation.In, true, "", mediation.Continue},
	}
	ext := NewExtension(ExtensionOptions{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/1")
			if tc.seqs != nil {
				ex.Seqs = buildSet(t, tc.seqs)
			}
			var got bool
			if tc.dir == mediation.In {
				got = ext.HandleRequest(ex)
			} else {
				got = ext.HandleResponse(ex)
			}
			trace, _ := ex.MC.Props.Get("trace")
			if got != tc.cont || trace != tc.trace || ex.MC.Outcome != tc.outcome {
				t.Errorf("cont %v trace %q outcome %v; want %v %q %v", got, trace, ex.MC.Outcome, tc.cont, tc.trace, tc.outcome)
			}
			if tc.trace != "" && (ex.MC.Dir != tc.dir || ex.Timing.Mediation <= 0) {
				t.Errorf("dir %v mediation time %v", ex.MC.Dir, ex.Timing.Mediation)
			}
			if tc.seqs == nil && ex.Timing.Mediation != 0 {
				t.Errorf("time measured with no sequence: %v", ex.Timing.Mediation)
			}
		})
	}
}

func TestExtensionErrors(t *testing.T) {
	f := newFixture(t)
	ext := NewExtension(ExtensionOptions{})
	cases := []struct {
		name       string
		seqs       map[string]string
		status     int
		body       string // substring
		outcome    mediation.Outcome
		errMessage string // ERROR_MESSAGE substring
	}{
		{"no fault sequence: 500 JSON", map[string]string{glIn: `<h.fail/>`, apiIn: `<h.mark v="a"/>`},
			500, `"code":"900500","message":"Mediation error"`, mediation.Continue, "boom"},
		{"fault sequence answers", map[string]string{apiIn: `<h.fail/>`, "fault": `<h.mark v="f"/><h.status code="503"/>`},
			503, "fault:503", mediation.Respond, "boom"},
		{"fault sequence default status 500", map[string]string{apiIn: `<h.fail/>`, "fault": `<h.mark v="f"/>`},
			500, "", mediation.Respond, "boom"},
		{"fault sequence fails too", map[string]string{apiIn: `<h.fail/>`, "fault": `<h.fail/>`},
			500, `"code":"900500"`, mediation.Continue, "boom"},
		{"onError handles it in the sequence", map[string]string{apiIn + "|onError=myFault": `<h.fail/>`, "myFault": `<h.mark v="h"/>`},
			200, "", mediation.Continue, "boom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/1")
			ex.Seqs = buildSet(t, tc.seqs)
			ex.MC.Sequences = ex.Seqs
			cont := ext.HandleRequest(ex)
			resp := ex.MC.Resp
			if tc.status != 200 && cont {
				t.Error("handler continued after an error")
			}
			if resp.StatusCode() != tc.status || !strings.Contains(string(responseBody(ex)), tc.body) || ex.MC.Outcome != tc.outcome {
				t.Errorf("status %d body %q outcome %v; want %d %q %v", resp.StatusCode(), responseBody(ex), ex.MC.Outcome, tc.status, tc.body, tc.outcome)
			}
			if msg, _ := ex.MC.Props.Get(PropErrorMessage); !strings.Contains(msg, tc.errMessage) {
				t.Errorf("ERROR_MESSAGE %q", msg)
			}
			if code, _ := ex.MC.Props.Get(PropErrorCode); code == "" {
				t.Error("ERROR_CODE not set")
			}
			if tc.status == 500 && tc.outcome == mediation.Continue {
				// the client gets a correlation id, not the error (ERROR_MESSAGE keeps it)
				var b struct{ Description string }
				if err := json.Unmarshal(resp.Body(), &b); err != nil || strings.Contains(b.Description, "boom") ||
					!strings.Contains(b.Description, "correlation id urn:uuid:") {
					t.Errorf("description %q (%v)", b.Description, err)
				}
			}
		})
	}
}

// responseBody is what the client would get: on Respond the gateway sends
// the request message back, so a fault sequence's body is in the request.
func responseBody(ex *Exchange) []byte {
	if ex.MC.Outcome == mediation.Respond {
		return ex.MC.Req.Body()
	}
	return ex.MC.Resp.Body()
}

func BenchmarkExtension(b *testing.B) {
	f := newFixture(b)
	for _, bc := range []struct {
		name string
		seqs map[string]string
	}{
		{"none", nil},
		{"global+api", map[string]string{glIn: `<h.mark v="g"/>`, apiIn: `<h.mark v="a"/>`}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ext := NewExtension(ExtensionOptions{})
			ex := f.exchange(b, "GET", "/orders/v1/1")
			var set *sequences.Set
			if bc.seqs != nil {
				set = buildSet(b, bc.seqs)
			}
			method, uri := []byte("GET"), []byte("/orders/v1/1")
			b.ReportAllocs()
			for b.Loop() {
				f.reuse(ex, method, uri)
				ex.Seqs = set
				ext.HandleRequest(ex)
			}
		})
	}
}

// TestPlanFor: the names each flow looks up, in order, for a matched API
// and for none; the fault plan runs only the first deployed name.
func TestPlanFor(t *testing.T) {
	f := newFixture(t)
	api := f.exchange(t, "GET", "/orders/v1/1").Match.API
	if api == nil {
		t.Fatal("fixture: no API matched")
	}
	for _, c := range []struct {
		api  bool
		flow sequences.Flow
		want [2]string
	}{
		{true, sequences.FlowIn, [2]string{glIn, apiIn}},
		{true, sequences.FlowOut, [2]string{glOut, apiOut}},
		{true, sequences.FlowFault, [2]string{"admin--Orders:vv1--Fault", "fault"}},
		{false, sequences.FlowIn, [2]string{glIn, ""}},
		{false, sequences.FlowFault, [2]string{"", "fault"}},
	} {
		a := api
		if !c.api {
			a = nil
		}
		if got := PlanFor(a, c.flow); got.Names != c.want || got.Flow != c.flow {
			t.Errorf("PlanFor(api=%v, %s) = %+v, want %q", c.api, c.flow, got, c.want)
		}
	}
	set := buildSet(t, map[string]string{
		glIn: `<h.mark v="g"/>`, apiIn: `<h.mark v="a"/>`,
		"admin--Orders:vv1--Fault": `<h.mark v="f"/>`, "fault": `<h.mark v="t"/>`,
	})
	if run := PlanFor(api, sequences.FlowIn).Resolve(set); run[0] == nil || run[1] == nil {
		t.Errorf("in: both run, got %v", run)
	}
	if run := PlanFor(api, sequences.FlowFault).Resolve(set); run[0] == nil || run[1] != nil {
		t.Errorf("fault: only the API's runs, got %v", run)
	}
	if run := PlanFor(nil, sequences.FlowFault).Resolve(set); run[0] != nil || run[1] == nil {
		t.Errorf("fault without API: the tenant's runs, got %v", run)
	}
}
