package main

import (
	"strings"
	"testing"

	"github.com/beevik/etree"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation"
)

// panicker is a test-only mediator that panics, standing in for a bug.
type panicker struct{}

func (panicker) Mediate(*mediation.MessageContext) (bool, error) { panic("boom") }

func init() {
	mediation.Register("t.panic", func(*etree.Element, *mediation.Compiler) (mediation.Mediator, error) {
		return panicker{}, nil
	})
}

// TestMediatorPanic: a panicking mediator gives the client the fault
// sequence's answer (or a 500 with a correlation id: the panic is for the
// log, not the client), and the gateway keeps serving.
func TestMediatorPanic(t *testing.T) {
	backend, _ := startBackend(t, 0)
	f := startGateway(t, testConfig, map[string]string{
		"in.xml": seqXML("admin--Open:v1.0.0--In", `<filter source="$trp:X-Panic" regex="yes"><then><t.panic/></then></filter>`),
	}, backend, zap.NewNop())
	for i := 0; i < 3; i++ {
		resp := do(t, f.addr, "GET", "/open/1.0.0/a", "", "X-Panic", "yes")
		if b := string(resp.Body()); resp.StatusCode() != 500 || !strings.Contains(b, `"900500"`) ||
			!strings.Contains(b, "correlation id") || strings.Contains(b, "panic") || strings.Contains(b, "boom") {
			t.Fatalf("panic: %d %s, want 500 with a correlation id, not the panic", resp.StatusCode(), resp.Body())
		}
		if resp := do(t, f.addr, "GET", "/open/1.0.0/a", ""); resp.StatusCode() != 200 {
			t.Fatalf("after a panic: %d %s, want 200", resp.StatusCode(), resp.Body())
		}
	}
}

// TestFaultOn5xx: with fault_on_5xx a backend 5xx runs the fault sequence
// with ERROR_CODE set to the status; without it the 5xx passes through.
func TestFaultOn5xx(t *testing.T) {
	backend, _ := startBackend(t, 0)
	cfg := strings.Replace(testConfig, "context: /open, auth: none,", "context: /open, auth: none, fault_on_5xx: true,", 1)
	fault := seqXML("fault", `<payloadFactory media-type="json"><format>{"fault":"$1"}</format>
		<args><arg expression="$ctx:ERROR_CODE"/></args></payloadFactory>`)
	f := startGateway(t, cfg, map[string]string{"fault.xml": fault}, backend, zap.NewNop())
	resp := do(t, f.addr, "GET", "/open/1.0.0/boom", "")
	if resp.StatusCode() != 503 || string(resp.Body()) != `{"fault":"503"}` {
		t.Errorf("fault_on_5xx: %d %s, want 503 {\"fault\":\"503\"}", resp.StatusCode(), resp.Body())
	}
	g := startGateway(t, testConfig, map[string]string{"fault.xml": fault}, backend, zap.NewNop())
	resp = do(t, g.addr, "GET", "/open/1.0.0/boom", "")
	if resp.StatusCode() != 503 || string(resp.Body()) != `{"down":true}` {
		t.Errorf("default: %d %s, want the backend's own 503", resp.StatusCode(), resp.Body())
	}
}
