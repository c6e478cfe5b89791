package behaviour

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestFaultSequences: behaviours that go through fault handling (onError,
// the tenant's fault sequence, the API-M error sequences).
func TestFaultSequences(t *testing.T) {
	t.Parallel()
	t.Run("docs-ei__fault.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-ei__fault.xml"
		behaviour(t, f, false)
		// FaultTestProxy's MSFT case: send to the missing endpoint key
		// "bogus"; the tenant's fault sequence logs and drops.
		g := start(t, setup{APIs: []apiDef{api("FaultTest", "/faulttest")}, Files: []file{corpus(t, f),
			wrap("admin--FaultTest:v1.0.0--In", `<send><endpoint key="bogus"/></send>`)}})
		r := g.send("POST", "/faulttest/1.0.0/", soapHeaders, quoteRequest("MSFT"))
		l := g.mustLog(t, "text = An unexpected error occured, message = ")
		if !strings.Contains(l, "bogus") {
			t.Errorf("ERROR_MESSAGE in the log does not name the endpoint key: %s", l)
		}
		if n := len(g.backend.byID(r.ID)); n != 0 {
			t.Errorf("backend reached")
		}
	})
	for _, f := range []string{"docs-ei__sunSequence.xml", "docs-ei__sunErrorHandler.xml"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			behaviour(t, f, false)
			g := start(t, setup{APIs: []apiDef{api("Sun", "/sun")}, Files: []file{
				corpus(t, "docs-ei__sunSequence.xml"), corpus(t, "docs-ei__sunErrorHandler.xml"),
				wrap("admin--Sun:v1.0.0--In", `<sequence key="sunSequence"/>`)}})
			r := g.send("POST", "/sun/1.0.0/", soapHeaders, quoteRequest("SUN"))
			if n := len(g.backend.byID(r.ID)); n != 0 {
				t.Errorf("backend reached")
			}
			if f == "docs-ei__sunSequence.xml" { // the handler ran
				g.mustLog(t, "text = An unexpected error occured for stock SUN, message = ")
				return
			}
			// the documented log line, word for word
			g.mustLog(t, "text = An unexpected error occured for stock SUN, message = Couldn't find the endpoint with the key : sunPort")
		})
	}
	t.Run("docs-ei__resource_mismatch_handler.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-ei__resource_mismatch_handler.xml"
		behaviour(t, f, false)
		a := api("Jaxrs", "/jaxrs")
		a.Resources = []resDef{{Methods: []string{"GET"}, URITemplate: "/customers/{id}"}}
		g := start(t, setup{APIs: []apiDef{a}, Files: []file{corpus(t, f)}})
		r := g.send("GET", "/jaxrs/1.0.0/customers-wrong/123", key(), "")
		if r.Status != http.StatusNotFound {
			t.Fatalf("status %d, want 404; body %s", r.Status, r.Body)
		}
		got := elementTexts(t, r.Body)
		want := map[string]string{"code": "404", "type": "Status report", "message": "Not Found",
			"description": "The requested resource (//customers-wrong/123) is not available."}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("tp:%s = %q, want %q; body %s", k, got[k], v, r.Body)
			}
		}
		if !strings.Contains(string(r.Body), `xmlns:tp="http://test.com"`) {
			t.Errorf("body %s: want the tp:fault of the handler", r.Body)
		}
	})
	t.Run("docs-apim__auth_failure_handler_json.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__auth_failure_handler_json.xml"
		behaviour(t, f, false)
		// It references _cors_request_handler_: the product's, unchanged.
		g := start(t, setup{APIs: []apiDef{api("PizzaShack", "/pizzashack")}, Files: []file{corpus(t, f),
			corpus(t, "apim-gw__cors_request_handler.xml")}})
		// A client that states no type (curl's Accept: */*) gets the
		// handler's fault as JSON; the handler only sets the type, so the
		// payload is API-M's fault element ({"fault":{...}}). (API-M's
		// Utils.setFaultPayload lets a supported Accept type win.)
		r := g.send("GET", "/pizzashack/1.0.0/menu", map[string]string{"Authorization": "Bearer wrong-token", "Accept": "*/*"}, "")
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401; body %s", r.Status, r.Body)
		}
		var v struct {
			Fault map[string]any `json:"fault"`
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || json.Unmarshal(r.Body, &v) != nil {
			t.Fatalf("Content-Type %q, body %s: want JSON", ct, r.Body)
		}
		if c := v.Fault["code"]; c != "900901" && c != float64(900901) {
			t.Errorf("body %s: want {\"fault\":{\"code\":900901,...}} built by the handler path", r.Body)
		}
		if l := g.stderr.lines("failed"); len(l) > 0 {
			t.Errorf("the handler failed: %s", l[0])
		}
	})
	t.Run("docs-apim__convert.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__convert.xml"
		behaviour(t, f, false)
		// The docs' _auth_failure_handler_ calls convert, then drops.
		g := start(t, setup{APIs: []apiDef{api("PizzaShack", "/pizzashack")}, Files: []file{corpus(t, f),
			wrap("_auth_failure_handler_", `<sequence key="convert"/>`, `<drop/>`)}})
		r := g.send("GET", "/pizzashack/1.0.0/menu", map[string]string{"Authorization": "Bearer invalid-token"}, "")
		if r.Status != 555 {
			t.Fatalf("status %d, want 555; body %s", r.Status, r.Body)
		}
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
		var got, want any
		_ = json.Unmarshal([]byte(`{"fault":{"code":900901,"type":"Status report","message":"Runtime Error","description":"Invalid Credentials"}}`), &want)
		if err := json.Unmarshal(r.Body, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("body %s, want %v", r.Body, want)
		}
	})
}
