package main

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/valyala/fasthttp"
)

// BenchmarkChainXML is the `xml` scenario of tests/bench/xml.sh in-process:
// a 1 KiB XML POST (tests/bench/xml-body.xml) through repo-xml's sequences
// (In: an XPath <filter> and an XML payloadFactory with 3 XPath args; Out:
// the backend's JSON answer written as XML) to a real backend on
// 127.0.0.1 that answers the bench backend's 75 bytes of JSON. "pass" is
// the same POST with no sequences, so the difference is what the XML chain
// adds per request, without the network noise of xml.sh.
func BenchmarkChainXML(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "tests", "bench", "xml-body.xml"))
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join("..", "..", "tests", "bench", "repo-xml", superSeqDir)
	xmlSeqs := map[string]string{}
	for _, n := range []string{"xml_in.xml", "xml_out.xml"} {
		x, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			b.Fatal(err)
		}
		xmlSeqs[n] = string(x)
	}
	for _, tc := range []struct {
		name string
		seqs map[string]string
		want string // prefix of the answer
	}{
		{"pass", map[string]string{}, `{"status":"ok"`},
		{"xml", xmlSeqs, `<jsonObject><status>ok</status>`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			backend := startBenchBackend(b)
			log, err := newLoggerTo(config.Log{Level: "info"}, io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			f := startGateway(b, testConfig, tc.seqs, backend, log)
			var ctx fasthttp.RequestCtx
			ctx.Init(&ctx.Request, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5555}, nil)
			run := func() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("POST")
				ctx.Request.SetRequestURI("/open/1.0.0/")
				ctx.Request.Header.SetContentType("application/xml")
				ctx.Request.SetHost("localhost")
				ctx.Request.SetBody(body)
				f.srv.rt.Switch().Handle(&ctx)
			}
			run()
			if ctx.Response.StatusCode() != 200 || !strings.HasPrefix(string(ctx.Response.Body()), tc.want) {
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

// startBenchBackend is tests/bench/backend's answer on fasthttp: 75 bytes
// of JSON, the request body drained.
func startBenchBackend(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	answer := []byte(`{"status":"ok","service":"bench-backend","items":[1,2,3],"message":"hello"}`)
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBody(answer)
	}}
	go func() { _ = s.Serve(ln) }()
	tb.Cleanup(func() { _ = s.Shutdown() })
	return "http://" + ln.Addr().String()
}
