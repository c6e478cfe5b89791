package handlers

import (
	"net/netip"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// testConfig has two tenants, an authenticated API with an open resource,
// an open API, and applications on both tenants.
const testConfig = `
tenants: [{id: 1, domain: abc.com}]
tiers:
  - {name: Two, requests: 2, unit: 1s}
  - {name: Five, requests: 5, unit: 1m}
applications:
  - {name: App1, id: app-1, user: alice, consumer_key: ck-1, keys: [key-super-1]}
  - {name: Fast, user: bob, tier: Five, keys: [key-fast]}
  - {name: Free, user: carol, tier: Unlimited, keys: [key-free]}
  - {name: TenantApp, tenant: abc.com, keys: [key-abc]}
apis:
  - provider: admin
    name: Orders
    version: v1
    context: /orders
    tier: Two
    backend: ["http://127.0.0.1:1"]
    resources:
      - {methods: [GET, POST], uri_template: "/{id}"}
      - {methods: [GET], uri_template: /public/*, auth: none}
  - {provider: admin, name: Open, version: v1, context: /open, auth: none, tier: Two, backend: ["http://127.0.0.1:1"]}
  - {provider: user1@abc.com, name: Stock, version: 1.0.0, context: /stock, tenant: abc.com, backend: ["http://127.0.0.1:1"]}
`

type fixture struct {
	cfg    *config.Config
	router *route.Router
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	cfg, err := config.Parse([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{cfg: cfg, router: r}
}

// exchange builds a routed Exchange for method and uri with headers given
// as name, value pairs, as the gateway would before running the chain.
func (f *fixture) exchange(t testing.TB, method, uri string, headers ...string) *Exchange {
	t.Helper()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	mc := &mediation.MessageContext{}
	mc.Reset(req, resp)
	ex := &Exchange{MC: mc, ClientIP: netip.MustParseAddr("127.0.0.1")}
	if st := f.router.Match(req.Header.Method(), req.RequestURI(), &ex.Match); st != 0 {
		t.Fatalf("%s %s: route status %d", method, uri, st)
	}
	route.SetProperties(mc, &ex.Match, req.Header.Method(), req.RequestURI(), req.URI().QueryArgs())
	return ex
}

// reuse resets ex for another request on the same objects, as the gateway's
// pool does, so benchmarks measure the steady state.
func (f *fixture) reuse(ex *Exchange, method, uri []byte) {
	mc := ex.MC
	mc.Reset(mc.Req, mc.Resp)
	*ex = Exchange{MC: mc, Match: ex.Match, ClientIP: ex.ClientIP}
	f.router.Match(method, uri, &ex.Match)
}
