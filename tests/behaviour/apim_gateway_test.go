package behaviour

import (
	"net/http"
	"testing"
)

// TestAPIMJSONEvalRoot: json-eval($.) is the whole payload, as Synapse's
// SynapseJsonPath reads it (it drops a trailing "."); API-M's SOAP-to-REST
// template writes it. The sequence used to be refused ("not terminated").
func TestAPIMJSONEvalRoot(t *testing.T) {
	t.Parallel()
	g := start(t, setup{APIs: []apiDef{api("Whole", "/whole")}, Files: []file{
		wrap("admin--Whole:v1.0.0--In",
			`<property name="X-Whole" expression="json-eval($.)" scope="transport"/>`,
			`<payloadFactory media-type="json"><format>{"wrapped":$1}</format>`+
				`<args><arg evaluator="json" expression="$."/></args></payloadFactory>`)}})
	r := g.send("POST", "/whole/1.0.0/x", key("Content-Type", "application/json"), `{"a":[1,2]}`)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.Status, r.Body)
	}
	be := g.backend.one(t, r.ID)
	if got := be.Header.Get("X-Whole"); got != `{"a":[1,2]}` {
		t.Errorf("backend X-Whole = %q, want the whole payload", got)
	}
	if got := string(be.Body); got != `{"wrapped":{"a":[1,2]}}` {
		t.Errorf("backend body = %q, want the payload wrapped", got)
	}
}
