package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// throttleYAML has a subscription tier from the API (Two), an application
// tier (Heavy: Three, with an Unlimited subscription), a resource tier and
// an api_tier shared by every caller.
const throttleYAML = `
listen: { http: "127.0.0.1:0", admin: "127.0.0.1:0" }
repository: REPO
lifecycle: { drain_delay: 0s }
usage: { events: false }
STORE
tiers:
  - { name: Two, requests: 2, unit: 1m }
  - { name: Three, requests: 3, unit: 1m }
applications:
  - { name: App, id: app-1, keys: [ key-1 ] }
  - { name: Heavy, id: heavy, tier: Three, keys: [ key-2 ], subscriptions: [ { api: Orders, tier: Unlimited }, { api: Shared } ] }
apis:
  - { provider: admin, name: Orders, version: 1.0.0, context: /orders, tier: Two, backend: [ "BACKEND" ],
      resources: [ { methods: [GET], uri_template: "/*" }, { methods: [POST], uri_template: "/bulk", tier: Three } ] }
  - { provider: admin, name: Shared, version: 1.0.0, context: /shared, auth: none, api_tier: Three, backend: [ "BACKEND" ] }
`

// want is one request and what its answer must carry.
type want struct {
	name, method, path, key string
	status                  int
	limit, remaining        string // X-RateLimit-*; "" when none
}

// check sends w and checks status, X-RateLimit-* and, on a 429,
// Retry-After and the body code.
func check(t *testing.T, addr string, w want) *fasthttp.Response {
	t.Helper()
	var hdr []string
	if w.key != "" {
		hdr = []string{"apikey", w.key}
	}
	resp := do(t, addr, w.method, w.path, "", hdr...)
	h := func(n string) string { return string(resp.Header.Peek(n)) }
	if resp.StatusCode() != w.status || h("X-RateLimit-Limit") != w.limit || h("X-RateLimit-Remaining") != w.remaining {
		t.Fatalf("%s: %d limit %q remaining %q (%s); want %d %q %q", w.name, resp.StatusCode(),
			h("X-RateLimit-Limit"), h("X-RateLimit-Remaining"), resp.Body(), w.status, w.limit, w.remaining)
	}
	if w.limit != "" {
		if s, err := strconv.Atoi(h("X-RateLimit-Reset")); err != nil || s < 1 || s > 60 {
			t.Errorf("%s: X-RateLimit-Reset %q, want 1..60", w.name, h("X-RateLimit-Reset"))
		}
	}
	if w.status == 429 {
		if s, err := strconv.Atoi(h("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Errorf("%s: Retry-After %q, want 1..60", w.name, h("Retry-After"))
		}
	}
	return resp
}

func TestThrottleGatewayLevels(t *testing.T) {
	backend, hits := startBackend(t, 0)
	r := startServer(t, strings.Replace(throttleYAML, "STORE", "", 1), nil, backend)
	steps := []want{
		{"subscription 1", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "1"},
		{"subscription 2", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "0"},
		{"subscription full", "GET", "/orders/1.0.0/a", "key-1", 429, "2", "0"},
		{"refused requests counted nowhere", "POST", "/orders/1.0.0/bulk", "key-1", 429, "2", "0"},
		{"resource 1 (app level 1)", "POST", "/orders/1.0.0/bulk", "key-2", 200, "3", "2"},
		{"app level 2", "GET", "/orders/1.0.0/b", "key-2", 200, "3", "1"},
		{"resource 2 (app level 3)", "POST", "/orders/1.0.0/bulk", "key-2", 200, "3", "0"},
		{"app level full", "GET", "/orders/1.0.0/b", "key-2", 429, "3", "0"},
		{"api level, anonymous", "GET", "/shared/1.0.0/x", "", 200, "3", "2"},
		{"api level, another caller", "GET", "/shared/1.0.0/x", "key-1", 200, "3", "1"},
		{"api level 3", "GET", "/shared/1.0.0/y", "", 200, "3", "0"},
		{"api level full", "GET", "/shared/1.0.0/z", "", 429, "3", "0"},
	}
	for _, w := range steps {
		before := hits.Load()
		resp := check(t, r.traffic, w)
		if passed := hits.Load() > before; passed != (w.status == 200) {
			t.Errorf("%s: backend reached %v", w.name, passed)
		}
		if w.status == 429 && !strings.Contains(string(resp.Body()), `"900800"`) {
			t.Errorf("%s: body %s, want code 900800", w.name, resp.Body())
		}
	}
	// A reload keeps the counters: the quota is not handed out again.
	if st, body := r.post("/admin/config/reload"); st != 200 {
		t.Fatalf("reload: %d %s", st, body)
	}
	check(t, r.traffic, want{"after reload", "GET", "/orders/1.0.0/a", "key-1", 429, "2", "0"})
}

func TestThrottleOutHandlerShapes(t *testing.T) {
	backend, _ := startBackend(t, 0)
	r := startServer(t, strings.Replace(throttleYAML, "STORE", "", 1), map[string]string{
		"throttle_out.xml": seqXML("_throttle_out_handler_", `
			<payloadFactory media-type="json"><format>{"slow":"down","code":"$1","reason":"$2"}</format>
				<args><arg expression="get-property('ERROR_CODE')"/><arg expression="get-property('THROTTLED_OUT_REASON')"/></args></payloadFactory>
			<header name="X-Shaped" scope="transport" value="yes"/>
			<respond/>`),
	}, backend)
	eventually(t, "_throttle_out_handler_ deployed", func() bool {
		_, body := r.get("/admin/sequences")
		return strings.Contains(body, "_throttle_out_handler_")
	})
	check(t, r.traffic, want{"pass 1", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "1"})
	check(t, r.traffic, want{"pass 2", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "0"})
	resp := check(t, r.traffic, want{"shaped", "GET", "/orders/1.0.0/a", "key-1", 429, "2", "0"})
	if b := string(resp.Body()); b != `{"slow":"down","code":"900800","reason":"SUBSCRIPTION_LIMIT_EXCEEDED"}` ||
		string(resp.Header.Peek("X-Shaped")) != "yes" {
		t.Errorf("shaped answer: X-Shaped %q body %s", resp.Header.Peek("X-Shaped"), b)
	}
}

// post answers the status and body of a POST on the admin listener.
func (r *running) post(path string) (int, string) {
	r.t.Helper()
	resp := doURL(r.t, "POST", r.admin+path)
	return resp.StatusCode(), string(resp.Body())
}

// doURL sends method to a full URL.
func doURL(tb testing.TB, method, url string) *fasthttp.Response {
	tb.Helper()
	req, resp := fasthttp.AcquireRequest(), &fasthttp.Response{}
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI(url)
	req.Header.SetMethod(method)
	if err := fasthttp.Do(req, resp); err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	return resp
}

// probe reads GET /admin/throttle with query q.
func (r *running) probe(q string) (int, map[string]any) {
	r.t.Helper()
	st, body := r.get("/admin/throttle?" + q)
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		r.t.Fatalf("probe %s: %d %s: %v", q, st, body, err)
	}
	return st, out
}
