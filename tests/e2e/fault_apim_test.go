package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// apimDefaults are API-M's current default error sequences, as shipped.
var apimDefaults = []string{
	"apim-gw__fault.xml", "apim-gw__auth_failure_handler.xml", "apim-gw__throttle_out_handler.xml",
	"apim-gw__cors_request_handler.xml", "apim-gw__resource_mismatch_handler.xml", "apim-gw__main.xml",
}

const soapRequest = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><m:getQuote xmlns:m="urn:q"/></soapenv:Body></soapenv:Envelope>`

// TestFaultAPIMDefaults drops API-M's default error sequences, unchanged,
// into the super tenant and checks that the 401, 429, 500, 404 and 405
// answers are shaped as on API-M.
func TestFaultAPIMDefaults(t *testing.T) {
	t.Parallel()
	tiny := api("Tiny", "/tiny")
	tiny.Tier = "Tiny"
	single := api("Single", "/single")
	single.Resources = []resDef{{Methods: []string{"GET"}, URITemplate: "/{id}"}}
	files := append(corpusFiles(t, 0, apimDefaults...),
		seqFile{0, "broken_in.xml", seq("admin--Broken:v1.0.0--In", `<sequence key="doesNotExist"/>`)})
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), tiny, single, api("Broken", "/broken")}}, files...)

	type want struct {
		status   int
		ctype    string
		contains []string
	}
	cases := []struct {
		name, method, path string
		hdr                map[string]string
		body               string
		want               want
	}{
		{"missing key: _auth_failure_handler_ JSON", "GET", "/orders/1.0.0/1", nil, "",
			want{401, "application/json", []string{`"code":"900902"`, `"message":"Missing Credentials"`, `"description":"Invalid Credentials.`}}},
		{"bad key on POST: the body is not echoed", "POST", "/orders/1.0.0/x", withKey("nope"), `{"secret":"s"}`,
			want{401, "application/json", []string{`"code":"900901"`, `"message":"Invalid Credentials"`}}},
		{"missing key on SOAP: a SOAP fault", "POST", "/orders/1.0.0/x", map[string]string{"Content-Type": "text/xml"}, soapRequest,
			want{401, "text/xml", []string{"Envelope", "Client", "Authentication Failure", "Missing Credentials"}}},
		{"mediation error: fault JSON 500", "GET", "/broken/1.0.0/1", withKey(keyApp1), "",
			want{500, "application/json", []string{`"code":"0"`, `"type":"Status report"`, `"message":"Runtime Error"`, `doesNotExist`}}},
		{"wrong method: _resource_mismatch_handler_ then fault, 405", "DELETE", "/orders/1.0.0/1", withKey(keyApp1), "",
			want{405, "application/json", []string{`"code":"405"`, `"message":"Runtime Error"`, `"description":"Method not allowed for given API resource"`}}},
		{"no resource in the API: 404", "GET", "/single/1.0.0/a/b", withKey(keyApp1), "",
			want{404, "application/json", []string{`"code":"404"`, `"description":"No matching resource found for given API Request"`}}},
		{"no API: main 404", "GET", "/nothing/1.0.0/x", nil, "",
			want{404, "application/json", []string{`"code":"404"`, `"message":"Not Found"`, `"description":"The requested resource is not available."`}}},
		{"root: main's welcome page", "GET", "/", nil, "",
			want{200, "text/html", []string{"Welcome to APIM"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.doReq(c.method, c.path, c.hdr, c.body)
			checkFault(t, r, c.want.status, c.want.ctype, c.want.contains...)
			if _, reached := g.backend.byID(r.ID); reached {
				t.Error("the request reached the backend")
			}
			if strings.Contains(string(r.Body), "secret") {
				t.Errorf("the client's body was echoed: %s", r.Body)
			}
		})
	}

	t.Run("throttled: _throttle_out_handler_ JSON 429", func(t *testing.T) {
		var r resp
		for i := 0; i < 4; i++ {
			r = g.doReq("GET", "/tiny/1.0.0/1", withKey(keyApp2), "")
		}
		checkFault(t, r, 429, "application/json", `"code":"900800"`, `"message":"Message throttled out"`, `"nextAccessTime":"`, ` UTC"`)
		if r.Header.Get("Retry-After") == "" {
			t.Error("Retry-After missing")
		}
	})
}

// checkFault asserts status, Content-Type prefix and body substrings.
func checkFault(t *testing.T, r resp, status int, ctype string, contains ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, ctype) {
		t.Errorf("Content-Type = %q, want %s; body %s", ct, ctype, r.Body)
	}
	for _, s := range contains {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("body lacks %q: %s", s, r.Body)
		}
	}
}

// TestFaultBackendDown: a backend that refuses connections runs API-M's
// fault sequence: JSON with ERROR_CODE 101503 and status 500 (fault.xml's
// own HTTP_SC), as API-M answers.
func TestFaultBackendDown(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{}, corpusFiles(t, 0, "apim-gw__fault.xml", "apim-gw__cors_request_handler.xml")...)
	g.backend.srv.Close()
	for _, m := range []string{"GET", "POST"} {
		t.Run(m, func(t *testing.T) {
			body := ""
			if m == "POST" {
				body = `{"a":1}`
			}
			r := g.doReq(m, "/orders/1.0.0/1", withKey(keyApp1), body)
			checkFault(t, r, http.StatusInternalServerError, "application/json",
				`"code":"101503"`, `"message":"Runtime Error"`, `"description":"Error connecting to the back end"`)
		})
	}
}
