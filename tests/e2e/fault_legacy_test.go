package e2e

import (
	"testing"
	"time"
)

// TestFaultAPIM110Handlers: API-M 1.x error sequences only set
// error_message_type and CORS headers and leave the payload to the Java
// handler; dropped in unchanged, they give API-M 1.x's <ams:fault> /
// <amt:fault> answers, as JSON when the client accepts it or the sequence
// asks for it (the documented docs-apim error-handling customisation).
func TestFaultAPIM110Handlers(t *testing.T) {
	t.Parallel()
	tiny := api("Tiny", "/tiny")
	tiny.Tier = "Tiny"
	files := corpusFiles(t, 0, "apim-gw-1.10__auth_failure_handler.xml", "apim-gw-1.10__cors_request_handler.xml",
		"apim-gw-1.10__throttle_out_handler.xml", "apim-gw-1.10__main.xml")
	files = append(files, corpusFiles(t, 1, "docs-apim__auth_failure_handler_json.xml", "apim-gw-1.10__cors_request_handler.xml")...)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), tiny, shopAPI()}}, files...)

	cases := []struct {
		name, method, path string
		hdr                map[string]string
		status             int
		ctype              string
		contains           []string
	}{
		{"auth failure as XML (error_message_type)", "GET", "/orders/1.0.0/1", nil, 401, "application/xml",
			[]string{`<ams:fault xmlns:ams="http://wso2.org/apimanager/security">`, "<ams:code>900902</ams:code>", "<ams:message>Missing Credentials</ams:message>"}},
		{"auth failure as JSON (Accept)", "GET", "/orders/1.0.0/1", map[string]string{"Accept": "application/json"}, 401, "application/json",
			[]string{`"fault":{`, `"code":900902`, `"message":"Missing Credentials"`}},
		{"documented JSON auth failure handler", "GET", "/t/acme.com/shop/1.0.0/1", withKey("wrong"), 401, "application/json",
			[]string{`"fault":{`, `"code":900901`, `"message":"Invalid Credentials"`}},
		{"main 1.10: am:fault 404 as XML", "GET", "/nothing/1.0.0/x", nil, 404, "application/xml",
			[]string{"<am:code>404</am:code>", "The requested resource (/nothing/1.0.0/x) is not available."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkFault(t, g.doReq(c.method, c.path, c.hdr, ""), c.status, c.ctype, c.contains...)
		})
	}
	t.Run("throttle out 1.10: amt:fault", func(t *testing.T) {
		var r resp
		for i := 0; i < 4; i++ {
			r = g.doReq("GET", "/tiny/1.0.0/1", withKey(keyApp1), "")
		}
		checkFault(t, r, 429, "application/xml", `<amt:fault xmlns:amt="http://wso2.org/apimanager/throttling">`, "<amt:code>900800</amt:code>")
		if r.Header.Get("Retry-After") == "" {
			t.Error("Retry-After missing")
		}
	})
}

// TestFaultDocsEI covers the documented MI fault behaviours: a fault
// sequence that logs ERROR_MESSAGE and drops (the client gets 202), and a
// _resource_mismatch_handler_ answering 404 with REST_URL_POSTFIX in its
// text (the doubled slash is documented).
func TestFaultDocsEI(t *testing.T) {
	t.Parallel()
	jaxrs := api("Jaxrs", "/jaxrs")
	jaxrs.Auth = "none"
	jaxrs.Resources = []resDef{{Methods: []string{"GET"}, URITemplate: "/customers/{id}", Auth: "none"}}
	files := append(corpusFiles(t, 0, "docs-ei__fault.xml", "docs-ei__resource_mismatch_handler.xml"),
		seqFile{0, "orders_in.xml", seq("admin--Orders:v1.0.0--In", `<sequence key="bogus"/>`)})
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), jaxrs}}, files...)

	t.Run("fault logs and drops", func(t *testing.T) {
		r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), "")
		if r.Status != 202 || len(r.Body) != 0 {
			t.Fatalf("status %d body %q, want 202 without a body", r.Status, r.Body)
		}
		waitFor(t, "the fault sequence's log line", 3*time.Second, func() bool {
			return len(g.stderr.lines("An unexpected error occured", `bogus`)) > 0
		})
	})
	t.Run("resource mismatch 404", func(t *testing.T) {
		r := g.doReq("GET", "/jaxrs/1.0.0/customers-wrong/123", nil, "")
		checkFault(t, r, 404, "application/xml", `<tp:code>404</tp:code>`,
			"The requested resource (//customers-wrong/123) is not available.")
	})
}
