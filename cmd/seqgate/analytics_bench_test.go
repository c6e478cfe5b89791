package main

import (
	"os"
	"path/filepath"

	"github.com/seqgate/seqgate/deploy/config"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkChainAnalytics is BenchmarkChain's production chain with the
// analytics and tracing settings varied, to show what each costs:
// usage.events off, the default log sink, and tracing on (sampling every
// request, exporting to a collector that is not there).
func BenchmarkChainAnalytics(b *testing.B) {
	for _, tc := range []struct{ name, extra string }{
		{"events-off", "usage: { events: false }\n"},
		{"log-sink", ""},
		{"tracing-on", "tracing: { enabled: true, endpoint: \"http://127.0.0.1:9\" }\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			backend, _ := startBackend(b, 0)
			log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
				zapcore.AddSync(io.Discard), zap.InfoLevel))
			f := startGateway(b, testConfig+tc.extra, map[string]string{
				"g_in.xml":  chainSeq("WSO2AM--Ext--In", "gi"),
				"g_out.xml": chainSeq("WSO2AM--Ext--Out", "go"),
				"a_in.xml":  chainSeq("admin--Bench:v1.0.0--In", "ai"),
				"a_out.xml": chainSeq("admin--Bench:v1.0.0--Out", "ao"),
			}, backend, log)
			var ctx fasthttp.RequestCtx
			ctx.Init(&ctx.Request, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5555}, nil)
			run := func() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI("/bench/1.0.0/items")
				ctx.Request.Header.Set("apikey", "bench-key")
				ctx.Request.Header.Set("X-Bench", "bench")
				ctx.Request.SetHost("localhost")
				f.srv.rt.Switch().Handle(&ctx)
			}
			run()
			if ctx.Response.StatusCode() != 200 || !strings.Contains(string(ctx.Response.Body()), "ok") {
				b.Fatalf("chain check: %d %s", ctx.Response.StatusCode(), ctx.Response.Body())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run()
			}
		})
	}
}

// BenchmarkChainScenario is the `mediation` scenario of tests/bench/run.sh
// in-process: its four sequences (tests/bench/repo-chain), its log level
// (the <log> lines are written) through the production logger (to
// io.Discard), usage events on the default log sink, API-key auth and a
// tier that does not reject. The backend is real, on 127.0.0.1.
func BenchmarkChainScenario(b *testing.B) {
	backend, _ := startBackend(b, 0)
	log, err := newLoggerTo(config.Log{Level: "info"}, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join("..", "..", "tests", "bench", "repo-chain", superSeqDir)
	seqs := map[string]string{}
	for _, n := range []string{"global_in.xml", "global_out.xml", "api_in.xml", "api_out.xml"} {
		x, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			b.Fatal(err)
		}
		seqs[n] = string(x)
	}
	f := startGateway(b, testConfig, seqs, backend, log)
	var ctx fasthttp.RequestCtx
	ctx.Init(&ctx.Request, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5555}, nil)
	run := func() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.SetRequestURI("/bench/1.0.0/")
		ctx.Request.Header.Set("apikey", "bench-key")
		ctx.Request.SetHost("localhost")
		f.srv.rt.Switch().Handle(&ctx)
	}
	run()
	if ctx.Response.StatusCode() != 200 || string(ctx.Response.Header.Peek("X-go")) != "App" {
		b.Fatalf("chain check: %d X-go=%q %s", ctx.Response.StatusCode(), ctx.Response.Header.Peek("X-go"), ctx.Response.Body())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
}
