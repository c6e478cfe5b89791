package behaviour

import (
	"net/http"
	"strings"
	"testing"
)

// TestAPIMHeaders: the API-M docs' header rewrites (global extension and
// per-API policies).
func TestAPIMHeaders(t *testing.T) {
	t.Parallel()
	t.Run("docs-apim-3.0__global_ext_auth_header_swap.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim-3.0__global_ext_auth_header_swap.xml"
		behaviour(t, f, false)
		g := start(t, setup{APIs: []apiDef{api("Orders", "/orders")}, Files: []file{corpus(t, f)}})
		r := g.send("GET", "/orders/1.0.0/7", map[string]string{
			"Authorization": "Bearer " + apiKey, "Authentication": "Basic dXNlcjpwYXNz"}, "")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d, want 200; body %s", r.Status, r.Body)
		}
		be := g.backend.one(t, r.ID)
		if got := be.Header.Get("Authorization"); got != "Basic dXNlcjpwYXNz" {
			t.Errorf("backend Authorization = %q, want the client's Authentication value", got)
		}
		if got, ok := be.Header["Authentication"]; ok {
			t.Errorf("backend still received Authentication: %q", got)
		}
	})
	t.Run("docs-apim__TokenExchange.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__TokenExchange.xml"
		behaviour(t, f, false)
		// "TokenExchange" is no extension name: the API's In policy
		// references it, as the Publisher's mediation policy would.
		g := start(t, setup{APIs: []apiDef{api("TestCustomHeader", "/testcustomheader")}, Files: []file{corpus(t, f),
			wrap("admin--TestCustomHeader:v1.0.0--In", `<sequence key="TokenExchange"/>`)}})
		r := g.send("GET", "/testcustomheader/1.0.0/x", map[string]string{
			"Authorization": "Bearer " + apiKey, "Custom": "Bearer 1234"}, "")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d, want 200; body %s", r.Status, r.Body)
		}
		be := g.backend.one(t, r.ID)
		if got := be.Header.Get("Authorization"); got != "Bearer 1234" {
			t.Errorf("backend Authorization = %q, want %q", got, "Bearer 1234")
		}
		if got, ok := be.Header["Custom"]; ok {
			t.Errorf("backend still received Custom: %q", got)
		}
	})
	t.Run("docs-apim__TestSequence.xml", testRestURLPostfix)
}

// testRestURLPostfix: TestAPI GET /business/{businessId}/address/ with the
// endpoint http://…/businesses/{uri.var.businessId}/details; TestSequence
// (referenced by the API's In policy) removes REST_URL_POSTFIX so the
// resource path is not appended. The endpoint is an http endpoint in the
// policy, as API-M generates it; a second API with a plain address backend
// shows the postfix is really dropped.
func testRestURLPostfix(t *testing.T) {
	t.Parallel()
	const f = "docs-apim__TestSequence.xml"
	behaviour(t, f, false)
	be := newBackend(t)
	be.setAnswer(func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("Received Request"))
	})
	res := []resDef{{Methods: []string{"GET"}, URITemplate: "/business/{businessId}/address/"}}
	tAPI, addrAPI := api("TestAPI", "/test"), api("TestAddr", "/testaddr")
	tAPI.Resources, addrAPI.Resources = res, res
	g := start(t, setup{Backend: be, APIs: []apiDef{tAPI, addrAPI}, Files: []file{corpus(t, f),
		wrap("admin--TestAPI:v1.0.0--In", `<sequence key="TestSequence"/>`,
			`<send><endpoint><http method="GET" uri-template="`+be.url()+`/businesses/{uri.var.businessId}/details"/></endpoint></send>`),
		wrap("admin--TestAddr:v1.0.0--In", `<sequence key="TestSequence"/>`)}})
	r := g.send("GET", "/test/1.0.0/business/7/address/", key(), "")
	if r.Status != http.StatusOK || string(r.Body) != "Received Request" {
		t.Fatalf("client got %d %q, want 200 %q", r.Status, r.Body, "Received Request")
	}
	if got := be.one(t, r.ID).Path; got != "/businesses/7/details" {
		t.Errorf("backend path = %q, want /businesses/7/details", got)
	}
	r = g.send("GET", "/testaddr/1.0.0/business/7/address/", key(), "")
	if got := be.one(t, r.ID).Path; got != "/be/testaddr" {
		t.Errorf("address backend path = %q, want /be/testaddr (no resource path appended)", got)
	}
}

// TestAPIMLogs: the docs' trace-log extensions and policies.
func TestAPIMLogs(t *testing.T) {
	t.Parallel()
	t.Run("docs-apim__global_ext.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__global_ext.xml"
		behaviour(t, f, false)
		g := start(t, setup{APIs: []apiDef{api("A", "/a"), api("B", "/b")}, Files: []file{corpus(t, f)}})
		for i, p := range []string{"/a/1.0.0/x", "/b/1.0.0/x"} {
			if r := g.send("GET", p, key(), ""); r.Status != http.StatusOK {
				t.Fatalf("GET %s: status %d; body %s", p, r.Status, r.Body)
			}
			g.waitLines(t, i+1, "TRACE = API Mediation Extension")
		}
	})
	t.Run("docs-apim__twittersearch_ext.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__twittersearch_ext.xml"
		behaviour(t, f, false)
		g := start(t, setup{APIs: []apiDef{api("TwitterSearch", "/twitter"), api("Other", "/other")}, Files: []file{corpus(t, f)}})
		g.send("GET", "/other/1.0.0/x", key(), "")
		if r := g.send("GET", "/twitter/1.0.0/search", key(), ""); r.Status != http.StatusOK {
			t.Fatalf("status %d; body %s", r.Status, r.Body)
		}
		g.waitLines(t, 1, "TRACE = API Mediation Extension")
		g.send("GET", "/other/1.0.0/y", key(), "")
		if n := len(g.stderr.lines("TRACE = API Mediation Extension")); n != 1 {
			t.Errorf("%d trace lines for one TwitterSearch and two Other requests, want 1", n)
		}
	})
	t.Run("docs-apim__custom_policy.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__custom_policy.xml"
		behaviour(t, f, false)
		// "custom_policy" is a Publisher policy name: the API's In
		// sequence references it.
		g := start(t, setup{APIs: []apiDef{api("Pizza", "/pizza")}, Files: []file{corpus(t, f),
			wrap("admin--Pizza:v1.0.0--In", `<sequence key="custom_policy"/>`)}})
		body := `{"order":"margherita"}`
		r := g.send("POST", "/pizza/1.0.0/orders?x=1", key("Content-Type", "application/json"), body)
		if r.Status != http.StatusOK {
			t.Fatalf("status %d; body %s", r.Status, r.Body)
		}
		g.mustLog(t, "TRACE = API Mediation Policy")
		be := g.backend.one(t, r.ID)
		if be.Method != "POST" || be.Path != "/be/pizza/orders" || be.Query != "x=1" || string(be.Body) != body {
			t.Errorf("backend got %s %s?%s %q, want the request unchanged", be.Method, be.Path, be.Query, be.Body)
		}
	})
}

// waitLines waits until n stderr lines contain all of subs.
func (g *gateway) waitLines(t *testing.T, n int, subs ...string) {
	t.Helper()
	for i := 0; i < 150; i++ {
		if len(g.stderr.lines(subs...)) >= n {
			return
		}
		sleepTick()
	}
	t.Fatalf("want %d log lines with %q, have %d; stderr tail:\n%s", n, subs, len(g.stderr.lines(subs...)), tail(g.stderr.String(), 2000))
}

// TestAPIMDedicatedBackend: each gateway calls its own backend, named by
// system properties; the API's endpoint is written with {uri.var.host} and
// {uri.var.port} (an http endpoint in the API's In policy: the config's
// backends are plain URLs). Java system properties are the process
// environment here.
func TestAPIMDedicatedBackend(t *testing.T) {
	t.Parallel()
	cases := []struct{ file, hostVar, portVar string }{
		{"docs-apim__dedicated_backend_ext_in.xml", "host", "port"},
		{"docs-apim__dedicated_backend_ext_in_class.xml", "environment.host", "environment.port"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			behaviour(t, c.file, false)
			be := newBackend(t)
			g := start(t, setup{Backend: be, APIs: []apiDef{api("Dedicated", "/dedicated")},
				Env: []string{c.hostVar + "=127.0.0.1", c.portVar + "=" + be.port()},
				Files: []file{corpus(t, c.file), wrap("admin--Dedicated:v1.0.0--In",
					`<send><endpoint><http uri-template="http://{uri.var.host}:{uri.var.port}/dedicated/gw1"/></endpoint></send>`)}})
			r := g.send("GET", "/dedicated/1.0.0/x", key(), "")
			if r.Status != http.StatusOK {
				t.Fatalf("status %d; body %s", r.Status, r.Body)
			}
			// the request's /x follows the endpoint's path: API-M appends the
			// resource to an <http> endpoint (REST_URL_POSTFIX)
			if got := be.one(t, r.ID).Path; got != "/dedicated/gw1/x" {
				t.Errorf("backend path = %q, want /dedicated/gw1/x (host and port from the system properties)", got)
			}
		})
	}
}

// TestAPIMDefaultEndpoint: default-endpoint-seq sets service_ep and the To
// header to http://jsonplaceholder.typicode.com/posts/ for a *default*
// endpoint. Tests send nothing off this machine, so the check is in two
// halves: the corpus sequence sets To as documented (read back and
// answered by our policy), and a default endpoint sends to whatever To
// says (a loopback address here).
func TestAPIMDefaultEndpoint(t *testing.T) {
	t.Parallel()
	t.Run("docs-apim__default-endpoint-seq.xml", func(t *testing.T) {
		t.Parallel()
		const f = "docs-apim__default-endpoint-seq.xml"
		behaviour(t, f, false)
		be := newBackend(t)
		g := start(t, setup{Backend: be, APIs: []apiDef{api("Dyn", "/dyn"), api("Dyn2", "/dyn2")}, Files: []file{corpus(t, f),
			wrap("admin--Dyn:v1.0.0--In", `<sequence key="default-endpoint-seq"/>`,
				`<property name="X-Service-Ep" expression="get-property('service_ep')" scope="transport"/>`,
				`<property name="X-To" expression="get-property('To')" scope="transport"/>`, `<respond/>`),
			wrap("admin--Dyn2:v1.0.0--In", `<header name="To" value="`+be.url()+`/posts/"/>`,
				`<send><endpoint><default/></endpoint></send>`)}})
		const want = "http://jsonplaceholder.typicode.com/posts/"
		r := g.send("GET", "/dyn/1.0.0/x", key(), "")
		if r.Header.Get("X-Service-Ep") != want || r.Header.Get("X-To") != want {
			t.Errorf("service_ep = %q, To = %q, want both %q (client got %d %v %s)", r.Header.Get("X-Service-Ep"), r.Header.Get("X-To"), want, r.Status, r.Header, r.Body)
		}
		r = g.send("GET", "/dyn2/1.0.0", key(), "")
		if rs := be.byID(r.ID); len(rs) != 1 || rs[0].Path != "/posts/" {
			t.Errorf("default endpoint: backend got %v (status %d, body %s), want one request for /posts/", rs, r.Status, r.Body)
		}
	})
}

// TestAPIMRegexPolicy: the docs' regex_policy rejects an XML body with
// `drop table` with 400 and an am:fault.
func TestAPIMRegexPolicy(t *testing.T) {
	t.Parallel()
	const f = "docs-apim__regex_policy.xml"
	t.Run(f, func(t *testing.T) {
		t.Parallel()
		behaviour(t, f, false)
		g := start(t, setup{APIs: []apiDef{api("Shop", "/shop")}, Files: []file{corpus(t, f),
			wrap("admin--Shop:v1.0.0--In", `<sequence key="regex_policy"/>`)}})
		xml := key("Content-Type", "application/xml")
		r := g.send("POST", "/shop/1.0.0/items", xml, `<item><price>drop table</price></item>`)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400; body %s", r.Status, r.Body)
		}
		for _, want := range []string{"<am:code>400</am:code>", "<am:message>Bad Request</am:message>",
			"<am:description>SQL-Injection Threat detected in Payload</am:description>"} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("body %s lacks %s", r.Body, want)
			}
		}
		if n := len(g.backend.byID(r.ID)); n != 0 {
			t.Errorf("a threat reached the backend")
		}
		g.mustLog(t, "IN_MESSAGE = Regular_expression_policy")
		if r := g.send("POST", "/shop/1.0.0/items", xml, `<item><price>12</price></item>`); r.Status != http.StatusOK {
			t.Errorf("clean request: status %d, want 200; body %s", r.Status, r.Body)
		}
	})
}
