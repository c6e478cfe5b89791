package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/seqgate/seqgate/deploy/config"
)

// fixture is the real composition (build) serving on a loopback listener,
// in front of a real fasthttp backend on 127.0.0.1.
type fixture struct {
	addr    string
	hits    *atomic.Int64
	srv     *server
	stopAll func()
}

const superSeqDir = "repository/deployment/server/synapse-configs/default/sequences"

// startBackend serves a fixed JSON answer on 127.0.0.1, optionally slowly.
func startBackend(tb testing.TB, delay time.Duration) (string, *atomic.Int64) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var hits atomic.Int64
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		hits.Add(1)
		if delay > 0 {
			time.Sleep(delay)
		}
		ctx.Response.Header.SetBytesV("X-Saw-Req-Added", ctx.Request.Header.Peek("X-Req-Added"))
		ctx.Response.Header.SetBytesV("X-Bench", ctx.Request.Header.Peek("X-Bench"))
		ctx.SetContentType("application/json")
		if strings.HasSuffix(string(ctx.Path()), "/garbage") {
			ctx.SetBodyString(`{"broken`)
			return
		}
		if strings.HasSuffix(string(ctx.Path()), "/boom") {
			ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
			ctx.SetBodyString(`{"down":true}`)
			return
		}
		ctx.SetBodyString(`{"ok":true,"path":"` + string(ctx.Path()) + `"}`)
	}}
	go func() { _ = s.Serve(ln) }()
	tb.Cleanup(func() { _ = s.Shutdown() })
	return "http://" + ln.Addr().String(), &hits
}

// startGateway writes seqs into a temp super-tenant folder, builds the
// gateway from yaml (with BACKEND and REPO substituted) and serves it.
func startGateway(tb testing.TB, yaml string, seqs map[string]string, backend string, log *zap.Logger) *fixture {
	tb.Helper()
	root := tb.TempDir()
	dir := filepath.Join(root, superSeqDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for name, xml := range seqs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(xml), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	yaml = strings.NewReplacer("BACKEND", backend, "REPO", root).Replace(yaml)
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	srv, err := build(cfg, log)
	if err != nil {
		tb.Fatalf("build: %v", err)
	}
	if err := srv.rt.Repo().Start(); err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	fs := srv.rt.Switch().Server(srv.rt.ServerOptions())
	go func() { _ = fs.Serve(ln) }()
	f := &fixture{addr: ln.Addr().String(), srv: srv, stopAll: func() { _ = fs.Shutdown(); srv.close() }}
	tb.Cleanup(f.stopAll)
	return f
}

const testConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
timeouts: { backend: 300ms }
tiers: [ { name: Gold, requests: 100000000, unit: 1m } ]
applications: [ { name: App, id: "1", consumer_key: ck, user: u, keys: [ bench-key ] } ]
apis:
  - { provider: admin, name: Bench, version: 1.0.0, context: /bench, tier: Gold, backend: [ "BACKEND" ],
      resources: [ { methods: [GET, POST], uri_template: "/*" } ] }
  - { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] }
`

func seqXML(name, body string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">` + body + `</sequence>`
}

func do(tb testing.TB, addr, method, path, body string, hdr ...string) *fasthttp.Response {
	tb.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("http://" + addr + path)
	req.Header.SetMethod(method)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if body != "" {
		req.SetBodyString(body)
		req.Header.SetContentType("application/json")
	}
	if err := fasthttp.DoTimeout(req, resp, 5*time.Second); err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func TestGatewayOutcomes(t *testing.T) {
	backend, hits := startBackend(t, 0)
	f := startGateway(t, testConfig, map[string]string{
		"open_in.xml": seqXML("admin--Open:v1.0.0--In", `
			<filter source="$trp:X-Mode" regex="respond"><then>
				<payloadFactory media-type="json"><format>{"mocked":"$1"}</format>
					<args><arg expression="$ctx:uri.var.x"/></args></payloadFactory>
				<property name="HTTP_SC" value="201" scope="axis2"/>
				<header name="X-Mock" scope="transport" value="yes"/>
				<respond/></then></filter>
			<filter source="$trp:X-Mode" regex="drop"><then><drop/></then></filter>
			<filter source="$trp:X-Mode" regex="loopback"><then><loopback/></then></filter>`),
		"open_out.xml": seqXML("admin--Open:v1.0.0--Out", `<header name="X-Out" scope="transport" value="ran"/>`),
	}, backend, zap.NewNop())

	cases := []struct {
		name, mode       string
		status           int
		body, xmock, out string
		backendHit       bool
	}{
		{"pass", "", 200, `"path":"/a"`, "", "ran", true},
		{"respond", "respond", 201, `{"mocked":""}`, "yes", "", false},
		{"drop", "drop", 202, "", "", "", false},
		{"loopback", "loopback", 200, `{"in":1}`, "", "ran", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			resp := do(t, f.addr, "POST", "/open/1.0.0/a", `{"in":1}`, "X-Mode", tc.mode)
			if resp.StatusCode() != tc.status {
				t.Fatalf("status %d, want %d (body %s)", resp.StatusCode(), tc.status, resp.Body())
			}
			if !strings.Contains(string(resp.Body()), tc.body) || (tc.body == "" && len(resp.Body()) != 0) {
				t.Errorf("body %q, want %q", resp.Body(), tc.body)
			}
			if got := string(resp.Header.Peek("X-Mock")); got != tc.xmock {
				t.Errorf("X-Mock %q, want %q", got, tc.xmock)
			}
			if got := string(resp.Header.Peek("X-Out")); got != tc.out {
				t.Errorf("X-Out %q (Out sequence), want %q", got, tc.out)
			}
			if hit := hits.Load() > before; hit != tc.backendHit {
				t.Errorf("backend hit %v, want %v", hit, tc.backendHit)
			}
		})
	}
}

// TestGatewayBadPayload: a sequence that reads a malformed payload answers
// 400 (client's body) or 502 (backend's body), never 500.
func TestGatewayBadPayload(t *testing.T) {
	backend, _ := startBackend(t, 0)
	f := startGateway(t, testConfig, map[string]string{
		"in.xml": seqXML("admin--Open:v1.0.0--In", `<property name="read" expression="$trp:X-Read"/>
			<filter source="$ctx:read" regex="in"><then>
			<property name="id" expression="json-eval($.id)"/></then></filter>`),
		"out.xml": seqXML("admin--Open:v1.0.0--Out", `<filter source="$ctx:read" regex="out"><then>
			<property name="x" expression="json-eval($.x)"/></then></filter>`),
	}, backend, zap.NewNop())
	resp := do(t, f.addr, "GET", "/open/1.0.0/garbage", "", "X-Read", "out")
	if resp.StatusCode() != 502 || !strings.Contains(string(resp.Body()), `"900502"`) {
		t.Errorf("malformed backend JSON: %d %s, want 502 with code 900502", resp.StatusCode(), resp.Body())
	}
	resp = do(t, f.addr, "POST", "/open/1.0.0/a", `{"id": nope`, "X-Read", "in")
	if resp.StatusCode() != 400 || !strings.Contains(string(resp.Body()), `"900400"`) {
		t.Errorf("malformed request JSON: %d %s, want 400 with code 900400", resp.StatusCode(), resp.Body())
	}
	resp = do(t, f.addr, "POST", "/open/1.0.0/a", `{"id": 1}`, "X-Read", "in")
	if resp.StatusCode() != 200 {
		t.Errorf("well-formed request JSON: %d %s, want 200", resp.StatusCode(), resp.Body())
	}
}

func TestGatewayBackendFailures(t *testing.T) {
	slow, _ := startBackend(t, 2*time.Second)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	_ = ln.Close() // nothing listens there any more
	for _, tc := range []struct {
		name, backend string
		status        int
		code          string
	}{
		{"connection refused", down, 502, "101503"},
		{"timeout", slow, 504, "101504"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startGateway(t, testConfig, nil, tc.backend, zap.NewNop())
			resp := do(t, f.addr, "GET", "/open/1.0.0/x", "")
			if resp.StatusCode() != tc.status || !strings.Contains(string(resp.Body()), tc.code) {
				t.Fatalf("got %d %s, want %d with code %s", resp.StatusCode(), resp.Body(), tc.status, tc.code)
			}
		})
	}
}

// chainSeq is 5 header-only mediators: property with an expression, header
// from a property, filter with a regex on a header, switch, log (enabled).
func chainSeq(name, tag string) string {
	return seqXML(name, fmt.Sprintf(`
		<property name="%[1]s.m" expression="get-property('transport','X-Bench')"/>
		<header name="X-%[1]s" scope="transport" expression="$ctx:%[1]s.m"/>
		<filter source="$trp:X-Bench" regex="b.*"><then><property name="%[1]s.f" value="yes"/></then></filter>
		<switch source="$ctx:%[1]s.f"><case regex="yes"><property name="%[1]s.s" value="1"/></case>
			<default><property name="%[1]s.s" value="0"/></default></switch>
		<log level="custom" category="DEBUG"><property name="%[1]s" expression="$ctx:%[1]s.s"/></log>`, tag))
}

// BenchmarkChain measures the header-only production chain in-process:
// API-key auth, throttling that does not reject, usage with its JSON event
// (to io.Discard), and global + per-API In and Out sequences of 5 mediators
// each, through a real backend on 127.0.0.1. DESIGN/issue 7 budget: ≤ 20
// allocs and ≤ 4 KiB per request.
func BenchmarkChain(b *testing.B) {
	backend, _ := startBackend(b, 0)
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
		zapcore.AddSync(io.Discard), zap.InfoLevel))
	f := startGateway(b, testConfig, map[string]string{
		"g_in.xml":  chainSeq("WSO2AM--Ext--In", "gi"),
		"g_out.xml": chainSeq("WSO2AM--Ext--Out", "go"),
		"a_in.xml":  chainSeq("admin--Bench:v1.0.0--In", "ai"),
		"a_out.xml": chainSeq("admin--Bench:v1.0.0--Out", "ao"),
	}, backend, log)
	gw := f.srv.rt.Switch()
	var ctx fasthttp.RequestCtx
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5555}
	run := func() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.SetRequestURI("/bench/1.0.0/items")
		ctx.Request.Header.Set("apikey", "bench-key")
		ctx.Request.Header.Set("X-Bench", "bench")
		ctx.Request.SetHost("localhost")
		gw.Handle(&ctx)
	}
	ctx.Init(&ctx.Request, remote, nil)
	run()
	if ctx.Response.StatusCode() != 200 || string(ctx.Response.Header.Peek("X-go")) != "bench" {
		b.Fatalf("chain check: %d %q %s", ctx.Response.StatusCode(), ctx.Response.Header.Peek("X-go"), ctx.Response.Body())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
}
