package gateway

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/handlers/accesslog"
)

// BenchmarkGatewayAccessLog is the whole gateway with the access log off,
// and on in each format, written to a file: the difference is what a
// request pays for its line (Begin's copies, End's channel send); the
// formatting and the write happen on the writer goroutine. The 404 (no
// backend call) shows that difference clearly; the proxied GET (a fasthttp
// backend on loopback answers 200 with 64 bytes) puts it next to a real
// request's cost.
func BenchmarkGatewayAccessLog(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(strings.Repeat("x", 64))
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBody(body) }}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Shutdown() })
	for _, bc := range []struct {
		name, format, path string
		status             int
	}{
		{"404/off", "off", "/nowhere/7", 404},
		{"404/json", accesslog.FormatJSON, "/nowhere/7", 404},
		{"404/combined", accesslog.FormatCombined, "/nowhere/7", 404},
		{"proxied/off", "off", "/orders/v1/7", 200},
		{"proxied/json", accesslog.FormatJSON, "/orders/v1/7", 200},
	} {
		format := bc.format
		b.Run(bc.name, func(b *testing.B) {
			cfg, repo, root := benchRepo(b, "listen: {http: \"127.0.0.1:0\", admin: \"off\"}\nrepository: REPO\nusage: {events: false}\n"+`
apis:
  - {provider: admin, name: Orders, version: v1, context: /orders, auth: none, backend: ["BACKEND"]}
`, "http://"+ln.Addr().String())
			var al *accesslog.Log
			if format != "off" {
				if al, err = accesslog.New(accesslog.Options{Output: filepath.Join(root, "access.log"), Format: format}); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = al.Close() })
			}
			g, err := Assemble(cfg, Deps{Repo: repo, AccessLog: al})
			if err != nil {
				b.Fatal(err)
			}
			var req fasthttp.Request
			req.SetRequestURI(bc.path)
			req.Header.Set("User-Agent", "bench/1.0 (a typical client string of some length)")
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, nil)
			var tmpl fasthttp.Request // the gateway rewrites the request for the backend: each round starts afresh
			req.CopyTo(&tmpl)
			g.Handle(&ctx)
			if st := ctx.Response.StatusCode(); st != bc.status {
				b.Fatalf("status %d, want 200: %s", st, ctx.Response.Body())
			}
			b.ReportAllocs()
			for b.Loop() {
				tmpl.CopyTo(&ctx.Request)
				ctx.Response.Reset()
				g.Handle(&ctx)
				if ctx.Response.StatusCode() != bc.status {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}
