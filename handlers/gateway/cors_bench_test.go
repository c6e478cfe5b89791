package gateway

import (
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkGatewayCORS is the whole gateway on a request that ends in the
// chain (401: no key, so no backend call): with no cors section, with CORS
// on for another API only, and on for this one with an allowed Origin. The
// first two must cost the same: with CORS off the handler is not in the
// chain and the gateway only compares a route status on a 405.
func BenchmarkGatewayCORS(b *testing.B) {
	for _, bc := range []struct{ name, cors string }{
		{"off", ""},
		{"on-other-api", "cors: {enable: true}\n"},
		{"on", "cors: {enable: true, allow_origins: [\"https://app.example.com\"], allow_credentials: true}\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			yaml := "listen: {http: \"127.0.0.1:0\", admin: \"off\"}\nrepository: REPO\n" + bc.cors + `
apis:
  - {provider: admin, name: Orders, version: v1, context: /orders, backend: ["http://127.0.0.1:1"], cors: {enable: ENABLE}}
  - {provider: admin, name: Other, version: v1, context: /other, backend: ["http://127.0.0.1:1"]}
`
			enable := "false"
			if bc.name == "on" {
				enable = "true"
			}
			cfg, repo, _ := benchRepo(b, strings.ReplaceAll(yaml, "ENABLE", enable), "")
			g, err := Assemble(cfg, Deps{Repo: repo})
			if err != nil {
				b.Fatal(err)
			}
			var req fasthttp.Request
			req.SetRequestURI("/orders/v1/7")
			req.Header.Set("Origin", "https://app.example.com")
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, nil)
			g.Handle(&ctx)
			if st := ctx.Response.StatusCode(); st != 401 {
				b.Fatalf("status %d, want 401", st)
			}
			if got := string(ctx.Response.Header.Peek("Access-Control-Allow-Origin")); (got != "") != (bc.name == "on") {
				b.Fatalf("Access-Control-Allow-Origin %q", got)
			}
			b.ReportAllocs()
			for b.Loop() {
				ctx.Response.Reset()
				g.Handle(&ctx)
			}
		})
	}
}
