package handlers

import (
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// TestSendHandlerFault: the auth failure path with each kind of
// _auth_failure_handler_ (none, one that builds the payload, a 1.x one that
// leaves it to the handler, one that answers itself, one that fails).
func TestSendHandlerFault(t *testing.T) {
	f := newFixture(t)
	auth, err := NewAuth(f.cfg, AuthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const h = sequences.AuthFailureHandler
	cases := []struct {
		name    string
		seqs    map[string]string
		accept  string
		outcome mediation.Outcome
		status  int
		body    string // substring of what the client gets
	}{
		{"no handler: JSON", nil, "", mediation.Continue, 401, `"code":"900902","message":"Missing Credentials"`},
		{"handler builds the payload; sendFault forces 401", map[string]string{h: `<h.status code="503"/>`}, "",
			mediation.Respond, 401, "fault:503"},
		{"1.x handler: Java payload as XML", map[string]string{h: `<h.mark v="x"/>`}, "",
			mediation.Respond, 401, `<ams:fault xmlns:ams="http://wso2.org/apimanager/security"><ams:code>900902</ams:code>`},
		{"handler answers itself", map[string]string{h: `<h.status code="403"/><h.stop outcome="respond"/>`}, "",
			mediation.Respond, 403, "fault:403"},
		{"handler drops", map[string]string{h: `<h.stop outcome="drop"/>`}, "", mediation.Drop, 401, ""},
		{"handler fails: JSON", map[string]string{h: `<h.fail/>`}, "", mediation.Continue, 401, `"code":"900902"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/1")
			ex.Seqs = buildSet(t, tc.seqs)
			if auth.HandleRequest(ex) {
				t.Fatal("request without a key passed")
			}
			mc := ex.MC
			if mc.Outcome != tc.outcome {
				t.Fatalf("outcome %v, want %v", mc.Outcome, tc.outcome)
			}
			if got := mc.Resp.StatusCode(); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
			if body := responseBody(ex); !strings.Contains(string(body), tc.body) {
				t.Errorf("body %q, want %q in it", body, tc.body)
			}
			for k, want := range map[string]string{PropErrorCode: CodeMissingCredentials, PropHTTPResponseStatus: "401"} {
				if v, _ := mc.Props.Get(k); v != want {
					t.Errorf("%s = %q, want %q", k, v, want)
				}
			}
		})
	}
}

// TestJavaFaultPayloadType: the 1.x payload takes the client's Accept when
// API-M supports it, else error_message_type, else stays XML.
func TestJavaFaultPayloadType(t *testing.T) {
	f := newFixture(t)
	cases := []struct{ name, accept, errType, want string }{
		{"default xml", "", "", "application/xml"},
		{"accept json", "application/json", "application/xml", "application/json"},
		{"unsupported accept: error_message_type", "application/json, */*", "application/json", "application/json"},
		{"unsupported accept alone", "image/png", "", "application/xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/1", "Accept", tc.accept)
			if tc.errType != "" {
				ex.MC.Props.Set(PropErrorMessageType, tc.errType)
			}
			setJavaFaultPayload(ex.MC, throttlingNS, &Fault{Code: "900800", Message: "a<b", Detail: "c&d"})
			if got := ex.MC.MessageType(); got != tc.want {
				t.Errorf("messageType %q, want %q", got, tc.want)
			}
			if b := string(ex.MC.Req.Body()); !strings.Contains(b, "<amt:message>a&lt;b</amt:message><amt:description>c&amp;d</amt:description>") {
				t.Errorf("payload %s", b)
			}
		})
	}
}

// TestFaultSequenceChoice: <api>--Fault before the tenant's fault; the
// status preset is the failure's.
func TestFaultSequenceChoice(t *testing.T) {
	f := newFixture(t)
	apiFault := sequences.APIFaultSequenceName("admin--Orders:vv1")
	cases := []struct {
		name  string
		seqs  map[string]string
		trace string
	}{
		{"per-API first", map[string]string{apiFault: `<h.mark v="api"/>`, "fault": `<h.mark v="tenant"/>`}, "api"},
		{"tenant fault", map[string]string{"fault": `<h.mark v="tenant"/>`}, "tenant"},
		{"other API's fault ignored", map[string]string{"admin--Open:vv1--Fault": `<h.mark v="other"/>`}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/1")
			ex.Seqs = buildSet(t, tc.seqs)
			HandleFault(ex, Fault{Status: 502, Code: "101503", Message: "m", Detail: "d"})
			trace, _ := ex.MC.Props.Get("trace")
			if trace != tc.trace {
				t.Errorf("trace %q, want %q", trace, tc.trace)
			}
			if ex.MC.Resp.StatusCode() != 502 {
				t.Errorf("status %d, want 502", ex.MC.Resp.StatusCode())
			}
			wantOutcome := mediation.Respond
			if tc.trace == "" {
				wantOutcome = mediation.Continue
			}
			if ex.MC.Outcome != wantOutcome {
				t.Errorf("outcome %v, want %v", ex.MC.Outcome, wantOutcome)
			}
		})
	}
}
