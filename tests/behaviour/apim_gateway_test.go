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

// TestAPIMElectedResource: API-M 4.x operation policies switch on
// fn:concat($ctx:REST_METHOD,'_',$ctx:API_ELECTED_RESOURCE); the elected
// resource is the matched resource's uri-template as written, so each
// resource reaches its own case (it read "GET_" and no case matched). The
// other properties API-M sets for sequences are read back on the backend.
func TestAPIMElectedResource(t *testing.T) {
	t.Parallel()
	a := api("Pizza", "/pizza")
	a.Resources = []resDef{{Methods: []string{"GET"}, URITemplate: "/menu"},
		{Methods: []string{"GET", "DELETE"}, URITemplate: "/order/{orderId}"}}
	g := start(t, setup{APIs: []apiDef{a}, Files: []file{
		wrap("admin--Pizza:v1.0.0--In",
			`<switch source="fn:concat($ctx:REST_METHOD,'_',$ctx:API_ELECTED_RESOURCE)">`,
			`<case regex="GET_/menu"><property name="X-Case" value="menu" scope="transport"/></case>`,
			`<case regex="GET_/order/\{orderId\}"><property name="X-Case" value="get-order" scope="transport"/></case>`,
			`<case regex="DELETE_/order/\{orderId\}"><property name="X-Case" value="delete-order" scope="transport"/></case>`,
			`<default><property name="X-Case" value="none" scope="transport"/></default>`,
			`</switch>`,
			`<property name="X-Key-Type" expression="$ctx:AM_KEY_TYPE" scope="transport"/>`,
			`<property name="X-Tenant" expression="$ctx:tenant.info.domain" scope="transport"/>`,
			`<property name="X-Host" expression="$ctx:api.ut.hostName" scope="transport"/>`)}})
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/pizza/1.0.0/menu", "menu"},
		{"GET", "/pizza/1.0.0/order/7", "get-order"},
		{"DELETE", "/pizza/1.0.0/order/7", "delete-order"},
	} {
		r := g.send(c.method, c.path, key(), "")
		if r.Status != http.StatusOK {
			t.Fatalf("%s %s: status %d; body %s", c.method, c.path, r.Status, r.Body)
		}
		be := g.backend.one(t, r.ID)
		if got := be.Header.Get("X-Case"); got != c.want {
			t.Errorf("%s %s: case %q, want %q", c.method, c.path, got, c.want)
		}
		if got := be.Header.Get("X-Key-Type"); got != "PRODUCTION" {
			t.Errorf("AM_KEY_TYPE = %q, want PRODUCTION", got)
		}
		if got := be.Header.Get("X-Tenant"); got != "carbon.super" {
			t.Errorf("tenant.info.domain = %q, want carbon.super", got)
		}
		if got := be.Header.Get("X-Host"); got == "" {
			t.Error("api.ut.hostName is empty")
		}
	}
}
