package e2e

import (
	"net/http"
	"testing"
)

// corsGateway serves three key-secured APIs: Orders follows the global
// cors section (exact and wildcard origins, credentials on), Pets
// overrides it with "*" and credentials off, Closed turns CORS off.
func corsGateway(t *testing.T, files ...seqFile) *gateway {
	pets, closed := api("Pets", "/pets"), api("Closed", "/closed")
	pets.CORS = map[string]any{"allow_origins": []string{"*"}, "allow_credentials": false}
	closed.CORS = map[string]any{"enable": false}
	return startGateway(t, gwConfig{
		CORS: map[string]any{
			"enable":            true,
			"allow_origins":     []string{"https://app.example.com", "https://*.example.org"},
			"allow_headers":     []string{"authorization", "apikey", "Content-Type"},
			"allow_credentials": true,
			"expose_headers":    []string{"X-Req-Id"},
			"max_age":           300,
		},
		APIs: []apiDef{ordersAPI(), pets, closed},
	}, files...)
}

func corsPreflight(origin, method string) map[string]string {
	return map[string]string{"Origin": origin, "Access-Control-Request-Method": method,
		"Access-Control-Request-Headers": "apikey,content-type"}
}

// corsCheck compares the named headers; "" means absent.
func corsCheck(t *testing.T, what string, h http.Header, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// A browser's preflight on a key-secured API is answered by the gateway:
// 200, the CORS headers, no 401, and the backend never sees it (issue 14:
// it used to be forwarded and answered 401 without any CORS header).
func TestCORSPreflightSecuredAPI(t *testing.T) {
	g := corsGateway(t)
	before := g.backend.hits()
	r := g.doReq("OPTIONS", "/orders/1.0.0/7", corsPreflight("https://app.example.com", "GET"), "")
	if r.Status != http.StatusOK || len(r.Body) != 0 {
		t.Fatalf("preflight: status %d body %q, want 200 and no body", r.Status, r.Body)
	}
	corsCheck(t, "preflight", r.Header, map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods":     "GET", // /{id} has GET only
		"Access-Control-Allow-Headers":     "authorization,apikey,Content-Type",
		"Access-Control-Max-Age":           "300",
		"Vary":                             "Origin",
	})
	// POST lives on /*: the preflight is routed by the method it asks about.
	r = g.doReq("OPTIONS", "/orders/1.0.0/a/b", corsPreflight("https://shop.example.org", "POST"), "")
	if r.Status != http.StatusOK {
		t.Fatalf("POST preflight: status %d body %s", r.Status, r.Body)
	}
	corsCheck(t, "POST preflight", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "https://shop.example.org", "Access-Control-Allow-Methods": "POST"})
	// A disallowed origin gets the answer without Allow-Origin: the browser refuses.
	r = g.doReq("OPTIONS", "/orders/1.0.0/7", corsPreflight("https://evil.example.com", "GET"), "")
	if r.Status != http.StatusOK {
		t.Fatalf("disallowed preflight: status %d", r.Status)
	}
	corsCheck(t, "disallowed preflight", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": "", "Vary": "Origin"})
	// A method the resource does not have: 405, as API-M.
	r = g.doReq("OPTIONS", "/orders/1.0.0/7", corsPreflight("https://app.example.com", "DELETE"), "")
	if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("DELETE preflight: status %d, Allow-Origin %q; want 405 without it", r.Status, r.Header.Get("Access-Control-Allow-Origin"))
	}
	// CORS off for the API: nothing answers the preflight.
	r = g.doReq("OPTIONS", "/closed/1.0.0/7", corsPreflight("https://app.example.com", "GET"), "")
	if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS off: status %d Allow-Origin %q", r.Status, r.Header.Get("Access-Control-Allow-Origin"))
	}
	if n := g.backend.hits() - before; n != 0 {
		t.Fatalf("the backend received %d preflights", n)
	}
}

func TestCORSActualRequests(t *testing.T) {
	g := corsGateway(t)
	cases := []struct {
		name, path string
		hdr        map[string]string
		status     int
		want       map[string]string
	}{
		{"allowed origin, credentials on", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://app.example.com"), 200, map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true",
			"Access-Control-Expose-Headers": "X-Req-Id", "Vary": "Origin", "Access-Control-Allow-Methods": ""}},
		{"wildcard origin", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://a.b.example.org"), 200, map[string]string{
			"Access-Control-Allow-Origin": "https://a.b.example.org", "Vary": "Origin"}},
		{"wildcard anchored", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://a.example.org.evil.net"), 200, map[string]string{
			"Access-Control-Allow-Origin": "", "Vary": "Origin"}},
		{"disallowed origin", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://evil.example.com"), 200, map[string]string{
			"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": "", "Access-Control-Expose-Headers": "", "Vary": "Origin"}},
		{"no Origin: still Vary", "/orders/1.0.0/7", withKey(keyApp1), 200, map[string]string{
			"Access-Control-Allow-Origin": "", "Vary": "Origin"}},
		{"401 readable by the page", "/orders/1.0.0/7", map[string]string{"Origin": "https://app.example.com"}, 401, map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true"}},
		{"per-API override: *, credentials off", "/pets/1.0.0/7", withKey(keyApp1, "Origin", "https://any.where"), 200, map[string]string{
			"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "", "Vary": "",
			"Access-Control-Expose-Headers": "X-Req-Id"}}, // inherited from the global section
		{"CORS off for the API", "/closed/1.0.0/7", withKey(keyApp1, "Origin", "https://app.example.com"), 200, map[string]string{
			"Access-Control-Allow-Origin": "", "Vary": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := g.doReq("GET", tc.path, tc.hdr, "")
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d; body %s", r.Status, tc.status, r.Body)
			}
			corsCheck(t, tc.name, r.Header, tc.want)
		})
	}
	// The backend's own Vary is kept and Origin added to it.
	g.backend.answer(200, map[string]string{"Vary": "Accept-Encoding"})
	r := g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://app.example.com"), "")
	if got := r.Header.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding, Origin" {
		t.Fatalf("Vary = %q, want [\"Accept-Encoding, Origin\"]", got)
	}
}

// API-M's own _cors_request_handler_ (the API-M 1.10 gateway's file,
// unchanged) writes the headers from the handler's properties: Allow-Origin,
// -Methods, -Headers and -Credentials, on the preflight and on the backend's
// answer; the gateway adds nothing to an answer that has an Allow-Origin
// (that file sets no Expose-Headers).
func TestCORSShippedSequence(t *testing.T) {
	g := corsGateway(t, seqFile{0, "_cors_request_handler_.xml", corpusSeq(t, "apim-gw-1.10__cors_request_handler.xml")})
	before := g.backend.hits()
	r := g.doReq("OPTIONS", "/orders/1.0.0/7", corsPreflight("https://app.example.com", "GET"), "")
	if r.Status != http.StatusOK {
		t.Fatalf("preflight: status %d body %s", r.Status, r.Body)
	}
	corsCheck(t, "preflight", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "authorization,apikey,Content-Type",
		"Access-Control-Expose-Headers": "", "Access-Control-Max-Age": "300", "Vary": "Origin"})
	if g.backend.hits() != before {
		t.Fatal("the preflight reached the backend")
	}
	r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://app.example.com"), "")
	if r.Status != http.StatusOK {
		t.Fatalf("GET: status %d body %s", r.Status, r.Body)
	}
	corsCheck(t, "GET", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods": "GET", "Access-Control-Expose-Headers": "", "Vary": "Origin"})
}

// A tenant's own _cors_request_handler_ decides the headers: it is run for
// the preflight and on the backend's answer.
func TestCORSCustomSequence(t *testing.T) {
	g := corsGateway(t, seqFile{0, "_cors_request_handler_.xml", seq("_cors_request_handler_",
		setHeader("Access-Control-Allow-Origin", "https://fixed.example"),
		setHeaderExpr("X-Cors-Methods", "$ctx:Access-Control-Allow-Methods"))})
	r := g.doReq("OPTIONS", "/orders/1.0.0/7", corsPreflight("https://app.example.com", "GET"), "")
	corsCheck(t, "preflight", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "https://fixed.example", "X-Cors-Methods": "GET", "Access-Control-Allow-Credentials": ""})
	r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://app.example.com"), "")
	corsCheck(t, "GET", r.Header, map[string]string{"Access-Control-Allow-Origin": "https://fixed.example",
		"Access-Control-Allow-Credentials": "", "Vary": "Origin"})
	// The 401 is not the backend's: the built-in headers.
	r = g.doReq("GET", "/orders/1.0.0/7", map[string]string{"Origin": "https://app.example.com"}, "")
	corsCheck(t, "401", r.Header, map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"})
}

// API-M 4.x's _cors_request_handler_ (unchanged) sets -Methods, -Headers
// and -Expose-Headers on OPTIONS only, behind filters that compare a
// boolean with a node-set ("boolean($trp:X) = false and ..."): XPath 1.0
// makes that true when the header is absent, and so must seqgate.
func TestCORSShippedSequence4x(t *testing.T) {
	g := corsGateway(t, seqFile{0, "_cors_request_handler_.xml", corpusSeq(t, "apim-gw__cors_request_handler.xml")})
	r := g.doReq("OPTIONS", "/orders/1.0.0/7", corsPreflight("https://app.example.com", "GET"), "")
	if r.Status != http.StatusOK {
		t.Fatalf("preflight: status %d body %s", r.Status, r.Body)
	}
	corsCheck(t, "preflight", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "authorization,apikey,Content-Type",
		"Access-Control-Expose-Headers": "X-Req-Id"})
	r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1, "Origin", "https://app.example.com"), "")
	corsCheck(t, "GET", r.Header, map[string]string{
		"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods": "", "Access-Control-Expose-Headers": ""})
}
