package main

import (
	"io"
	"net"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

const authBenchConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
timeouts: { backend: 300ms }
security:
  jwt: { issuers: [ { issuer: "https://idp.bench", public_key_file: "PUBKEY" } ] }
  backend_jwt: { enabled: BJWT }
applications: [ { name: App, id: "1", consumer_key: ck, user: u, keys: [ bench-key ] } ]
apis:
  - { provider: admin, name: Bench, version: 1.0.0, context: /bench, auth: "oauth2,apikey", backend: [ "BACKEND" ] }
`

// BenchmarkChainAuth is the production chain without sequences through a
// real backend, per credential: a plain key, a JWT already verified once
// (cache hit), and the same with the backend JWT (cached signature).
func BenchmarkChainAuth(b *testing.B) {
	backend, _ := startBackend(b, 0)
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
		zapcore.AddSync(io.Discard), zap.InfoLevel))
	key := newIdPKey(b, "bench", false)
	pub := key.WritePublicPEM(b, b.TempDir(), false)
	tok := signExp(b, key, jwt.MapClaims{"iss": "https://idp.bench", "sub": "alice", "azp": "ck", "scope": "read"})
	for _, bc := range []struct{ name, header, value, bjwt string }{
		{"apikey", "apikey", "bench-key", "false"},
		{"jwt-cached", "Authorization", "Bearer " + tok, "false"},
		{"jwt-cached+backend-jwt", "Authorization", "Bearer " + tok, "true"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			y := strings.NewReplacer("PUBKEY", pub, "BJWT", bc.bjwt).Replace(authBenchConfig)
			gw := startGateway(b, y, nil, backend, log).srv.rt.Switch()
			var ctx fasthttp.RequestCtx
			ctx.Init(&ctx.Request, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5555}, nil)
			run := func() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI("/bench/1.0.0/items")
				ctx.Request.Header.Set(bc.header, bc.value)
				ctx.Request.SetHost("localhost")
				gw.Handle(&ctx)
			}
			run()
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run()
			}
		})
	}
}
