package handlers

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// corsConfig: a global policy with exact and wildcard origins and
// credentials; an API that inherits it, one that overrides it with "*",
// one that turns it off, one without CORS keys of its own.
const corsConfig = `
cors:
  enable: true
  allow_origins: ["https://app.example.com", "https://*.example.org", "http://localhost:*"]
  allow_methods: [GET, POST, DELETE]
  allow_headers: [authorization, apikey, Content-Type]
  allow_credentials: true
  expose_headers: [X-Request-Id, X-RateLimit-Remaining]
  max_age: 600
apis:
  - provider: admin
    name: Orders
    version: v1
    context: /orders
    backend: ["http://127.0.0.1:1"]
    resources:
      - {methods: [GET, POST, PUT], uri_template: "/{id}"}
      - {methods: [GET, OPTIONS], uri_template: /own-options}
      - {uri_template: /any/*}
  - provider: admin
    name: Star
    version: v1
    context: /star
    backend: ["http://127.0.0.1:1"]
    cors: {allow_origins: ["*"], allow_headers: ["*"]}
  - {provider: admin, name: Off, version: v1, context: /off, backend: ["http://127.0.0.1:1"], cors: {enable: false}}
`

func corsFixture(t testing.TB, yaml string) (*CORS, *route.Router) {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return NewCORS(cfg, r.APIs()), r
}

// corsExchange routes the request as the gateway does, preflights by the
// method they ask about when OPTIONS itself is not allowed.
func corsExchange(t testing.TB, c *CORS, r *route.Router, method, uri string, headers ...string) (*Exchange, int) {
	t.Helper()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	mc := &mediation.MessageContext{}
	mc.Reset(req, resp)
	ex := &Exchange{MC: mc}
	st := r.Match(req.Header.Method(), req.URI().PathOriginal(), &ex.Match)
	if st == route.StatusMethodNotAllowed {
		if m := c.PreflightMethod(ex.Match.API, &req.Header); m != nil {
			st = r.Match(m, req.URI().PathOriginal(), &ex.Match)
		}
	}
	return ex, st
}

func TestCORSPreflight(t *testing.T) {
	c, r := corsFixture(t, corsConfig)
	const o, acrm = "Origin", "Access-Control-Request-Method"
	cases := []struct {
		name, uri string
		headers   []string
		answered  bool              // the handler answers (false: the flow goes on)
		want      map[string]string // "" means absent
	}{
		{"exact origin, credentials", "/orders/v1/7", []string{o, "https://app.example.com", acrm, "PUT"}, true, map[string]string{
			HeaderACAllowOrigin: "https://app.example.com", HeaderACAllowCredentials: "true",
			HeaderACAllowMethods: "GET,POST", // the resource's methods that allow_methods lists
			HeaderACAllowHeaders: "authorization,apikey,Content-Type", HeaderACMaxAge: "600",
			HeaderACExposeHeaders: "X-Request-Id,X-RateLimit-Remaining", HeaderVary: "Origin"}},
		{"wildcard origin", "/orders/v1/7", []string{o, "https://a.b.example.org", acrm, "GET"}, true, map[string]string{
			HeaderACAllowOrigin: "https://a.b.example.org", HeaderVary: "Origin"}},
		{"wildcard port", "/orders/v1/7", []string{o, "http://localhost:3000", acrm, "GET"}, true, map[string]string{
			HeaderACAllowOrigin: "http://localhost:3000"}},
		{"wildcard is anchored at the end", "/orders/v1/7", []string{o, "https://x.example.org.evil.net", acrm, "GET"}, true, map[string]string{
			HeaderACAllowOrigin: "", HeaderACAllowCredentials: "", HeaderACAllowMethods: "GET,POST", HeaderVary: "Origin"}},
		{"wildcard does not span a path", "/orders/v1/7", []string{o, "https://evil.net/.example.org", acrm, "GET"}, true, map[string]string{
			HeaderACAllowOrigin: ""}},
		{"disallowed origin: 200 without Allow-Origin", "/orders/v1/7", []string{o, "https://evil.example.com", acrm, "GET"}, true, map[string]string{
			HeaderACAllowOrigin: "", HeaderACAllowCredentials: ""}},
		{"resource allowing every method", "/orders/v1/any/x", []string{o, "https://app.example.com", acrm, "DELETE"}, true, map[string]string{
			HeaderACAllowMethods: "GET,POST,DELETE"}},
		{"star with credentials answers * and no credentials", "/star/v1/x", []string{o, "https://who.ever", acrm, "GET", "Access-Control-Request-Headers", "X-A, X-B"}, true, map[string]string{
			HeaderACAllowOrigin: "*", HeaderACAllowCredentials: "", HeaderVary: "", HeaderACAllowHeaders: "X-A, X-B"}},
		{"resource listing OPTIONS goes to the backend", "/orders/v1/own-options", []string{o, "https://app.example.com", acrm, "GET"}, false, nil},
		{"OPTIONS without Origin is no preflight", "/orders/v1/any/x", []string{acrm, "GET"}, false, nil},
		{"OPTIONS without Access-Control-Request-Method is no preflight", "/orders/v1/any/x", []string{o, "https://app.example.com"}, false, nil},
		{"API with CORS off", "/off/v1/x", []string{o, "https://app.example.com", acrm, "GET"}, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex, st := corsExchange(t, c, r, "OPTIONS", tc.uri, tc.headers...)
			if st != 0 {
				t.Fatalf("route status %d", st)
			}
			if got := !c.HandleRequest(ex); got != tc.answered {
				t.Fatalf("answered = %v, want %v", got, tc.answered)
			}
			if !tc.answered {
				return
			}
			h := &ex.MC.Resp.Header
			if h.StatusCode() != 200 || len(ex.MC.Resp.Body()) != 0 {
				t.Errorf("status %d body %q, want 200 and none", h.StatusCode(), ex.MC.Resp.Body())
			}
			c.Complete(ex) // must not add or double anything
			for k, v := range tc.want {
				if got := string(h.Peek(k)); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// A preflight for a method no resource of the path has keeps the router's
// 405, as API-M's handleResourceNotFound answers.
func TestCORSPreflightUnknownMethod(t *testing.T) {
	c, r := corsFixture(t, corsConfig)
	_, st := corsExchange(t, c, r, "OPTIONS", "/orders/v1/7", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PATCH")
	if st != route.StatusMethodNotAllowed {
		t.Fatalf("route status %d, want 405", st)
	}
}

func TestCORSActual(t *testing.T) {
	c, r := corsFixture(t, corsConfig)
	cases := []struct {
		name, method, uri, origin string
		backend                   map[string]string // headers the backend's answer has
		want                      map[string]string
	}{
		{"allowed origin", "GET", "/orders/v1/7", "https://app.example.com", nil, map[string]string{
			HeaderACAllowOrigin: "https://app.example.com", HeaderACAllowCredentials: "true",
			HeaderACExposeHeaders: "X-Request-Id,X-RateLimit-Remaining", HeaderVary: "Origin",
			HeaderACAllowMethods: "", HeaderACAllowHeaders: "", HeaderACMaxAge: ""}},
		{"disallowed origin", "GET", "/orders/v1/7", "https://evil.example.com", nil, map[string]string{
			HeaderACAllowOrigin: "", HeaderACAllowCredentials: "", HeaderACExposeHeaders: "", HeaderVary: "Origin"}},
		{"no Origin still varies", "GET", "/orders/v1/7", "", nil, map[string]string{
			HeaderACAllowOrigin: "", HeaderVary: "Origin"}},
		{"Vary appended to the backend's", "GET", "/orders/v1/7", "https://app.example.com",
			map[string]string{HeaderVary: "Accept-Encoding"}, map[string]string{HeaderVary: "Accept-Encoding, Origin"}},
		{"Vary already naming Origin kept", "GET", "/orders/v1/7", "https://app.example.com",
			map[string]string{HeaderVary: "origin"}, map[string]string{HeaderVary: "origin"}},
		{"backend's own CORS header wins", "GET", "/orders/v1/7", "https://app.example.com",
			map[string]string{HeaderACAllowOrigin: "https://backend.example"}, map[string]string{
				HeaderACAllowOrigin: "https://backend.example", HeaderACAllowCredentials: ""}},
		{"star: no Vary, no credentials", "POST", "/star/v1/x", "https://who.ever", nil, map[string]string{
			HeaderACAllowOrigin: "*", HeaderVary: "", HeaderACAllowCredentials: ""}},
		{"API with CORS off", "GET", "/off/v1/x", "https://app.example.com", nil, map[string]string{
			HeaderACAllowOrigin: "", HeaderVary: ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hs []string
			if tc.origin != "" {
				hs = []string{"Origin", tc.origin}
			}
			ex, st := corsExchange(t, c, r, tc.method, tc.uri, hs...)
			if st != 0 {
				t.Fatalf("route status %d", st)
			}
			if !c.HandleRequest(ex) {
				t.Fatal("an actual request was answered by the CORS handler")
			}
			for k, v := range tc.backend {
				ex.MC.Resp.Header.Set(k, v)
			}
			c.Complete(ex)
			for k, v := range tc.want {
				if got := string(ex.MC.Resp.Header.Peek(k)); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestCORSOffBuildsNothing(t *testing.T) {
	c, _ := corsFixture(t, `apis: [{provider: a, name: B, version: v1, context: /b, backend: ["http://127.0.0.1:1"]}]`)
	if c != nil {
		t.Fatal("NewCORS built a handler with CORS off everywhere")
	}
	if got := WithCORS(nil, []Handler{&Usage{}}); len(got) != 1 {
		t.Fatalf("WithCORS(nil) changed the chain: %d handlers", len(got))
	}
	// Per-API enable with the global section absent: defaults apply.
	c, r := corsFixture(t, `apis: [{provider: a, name: B, version: v1, context: /b, backend: ["http://127.0.0.1:1"], cors: {enable: true}}]`)
	ex, _ := corsExchange(t, c, r, "GET", "/b/v1/x", "Origin", "https://any.where")
	c.Complete(ex)
	if got := string(ex.MC.Resp.Header.Peek(HeaderACAllowOrigin)); got != "*" {
		t.Fatalf("Allow-Origin %q, want * (the default allow_origins)", got)
	}
}

// BenchmarkCORSActual is the actual-request path: HandleRequest passes a
// GET, Complete matches an exact origin (no allocation expected) and sets
// the headers.
func BenchmarkCORSActual(b *testing.B) {
	c, r := corsFixture(b, corsConfig)
	ex, _ := corsExchange(b, c, r, "GET", "/orders/v1/7", "Origin", "https://app.example.com")
	b.ReportAllocs()
	for b.Loop() {
		ex.MC.Resp.Header.Reset()
		if !c.HandleRequest(ex) {
			b.Fatal("answered")
		}
		c.Complete(ex)
	}
}

// BenchmarkCORSActualWildcard matches a pattern (the last of the list).
func BenchmarkCORSActualWildcard(b *testing.B) {
	c, r := corsFixture(b, corsConfig)
	ex, _ := corsExchange(b, c, r, "GET", "/orders/v1/7", "Origin", "http://localhost:3000")
	b.ReportAllocs()
	for b.Loop() {
		ex.MC.Resp.Header.Reset()
		c.HandleRequest(ex)
		c.Complete(ex)
	}
}

// A _cors_request_handler_ that fails neither fails the request nor loses
// the headers: the built-in ones go out instead.
func TestCORSSequenceFails(t *testing.T) {
	c, r := corsFixture(t, corsConfig)
	set := buildSet(t, map[string]string{CORSSequence: `<h.fail/>`})
	ex, _ := corsExchange(t, c, r, "OPTIONS", "/orders/v1/7", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET")
	ex.Seqs, ex.MC.Sequences = set, set
	if c.HandleRequest(ex) {
		t.Fatal("preflight not answered")
	}
	h := &ex.MC.Resp.Header
	if h.StatusCode() != 200 || string(h.Peek(HeaderACAllowOrigin)) != "https://app.example.com" || string(h.Peek(HeaderACAllowMethods)) != "GET,POST" {
		t.Errorf("preflight: %d, Allow-Origin %q, Allow-Methods %q", h.StatusCode(), h.Peek(HeaderACAllowOrigin), h.Peek(HeaderACAllowMethods))
	}

	ex, _ = corsExchange(t, c, r, "GET", "/orders/v1/7", "Origin", "https://app.example.com")
	ex.Seqs, ex.MC.Sequences = set, set
	if !c.HandleRequest(ex) || !c.HandleResponse(ex) {
		t.Fatal("a failing CORS sequence stopped the flow")
	}
	c.Complete(ex)
	if got := string(ex.MC.Resp.Header.Peek(HeaderACAllowOrigin)); got != "https://app.example.com" {
		t.Errorf("actual: Allow-Origin %q", got)
	}
	if v, _ := ex.MC.Props.Get(PropCORSEnabled); v != "true" {
		t.Errorf("%s = %q, want true (set for the sequence)", PropCORSEnabled, v)
	}
}
