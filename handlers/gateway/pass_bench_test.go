package gateway

import (
	"bytes"
	"net"
	"syscall"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkPassPath is the bench's `pass` scenario in one process, beside
// its floor: a client sends each request over loopback to a proxy, which
// forwards it to a fasthttp backend answering 75 bytes of JSON (the bench
// backend's answer). The proxy is either the floor (tests/bench/fastproxy:
// a fasthttp server whose handler calls one HostClient, nothing else) or
// seqgate (Switch.Server with the default limits and timeouts, an API with
// no auth, no sequences, metrics on). Client and backend cost the same in
// both, so seqgate's cpu-µs/op (the process's CPU time: ns/op on loopback is
// mostly waiting) and allocs/op minus the floor's are what seqgate
// adds per request: GET, and a 1 KiB POST (xml.sh's body size).
func BenchmarkPassPath(b *testing.B) {
	backend := listen(b)
	answer := []byte(`{"status":"ok","service":"bench-backend","items":[1,2,3],"note":"hello"}` + "\n\n\n")
	be := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBody(answer)
	}}
	go func() { _ = be.Serve(backend) }()
	b.Cleanup(func() { _ = be.Shutdown() })

	proxies := map[string]*fasthttp.Server{"floor": floorProxy(backend.Addr().String()), "seqgate": passGateway(b, backend.Addr().String())}
	body := bytes.Repeat([]byte("x"), 1024)
	for _, name := range []string{"floor", "seqgate"} {
		ln := listen(b)
		if name == "seqgate" {
			ln = Listener(ln) // as cmd/seqgate serves it
		}
		srv := proxies[name]
		go func() { _ = srv.Serve(ln) }()
		b.Cleanup(func() { _ = srv.Shutdown() })
		client := &fasthttp.HostClient{Addr: ln.Addr().String(), MaxConns: 1}
		for _, method := range []string{"GET", "POST-1KiB"} {
			b.Run(name+"/"+method, func(b *testing.B) {
				var req fasthttp.Request
				var resp fasthttp.Response
				req.SetRequestURI("http://" + ln.Addr().String() + "/bench/1.0.0/")
				req.Header.Set("User-Agent", "wrk")
				if method != "GET" {
					req.Header.SetMethod("POST")
					req.Header.SetContentType("application/xml")
					req.SetBody(body)
				}
				b.ReportAllocs()
				cpu0 := cpuTime()
				for b.Loop() {
					if err := client.Do(&req, &resp); err != nil {
						b.Fatal(err)
					}
					if resp.StatusCode() != 200 || len(resp.Body()) != len(answer) {
						b.Fatalf("status %d, body %q", resp.StatusCode(), resp.Body())
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu0)/1e3/float64(b.N), "cpu-µs/op")
			})
		}
	}
}

// cpuTime is the process's user+system CPU time in ns: client, proxy and
// backend together (wall-clock ns/op on loopback is mostly waiting).
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func listen(b *testing.B) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return ln
}

// floorProxy is tests/bench/fastproxy's server.
func floorProxy(upstream string) *fasthttp.Server {
	hc := &fasthttp.HostClient{Addr: upstream, MaxConns: 1024}
	return &fasthttp.Server{Name: "fastproxy", Handler: func(ctx *fasthttp.RequestCtx) {
		req := &ctx.Request
		req.SetHost(hc.Addr)
		if err := hc.Do(req, &ctx.Response); err != nil {
			ctx.Error("bad gateway: "+err.Error(), fasthttp.StatusBadGateway)
		}
	}}
}

// passGateway is seqgate serving tests/bench/ours.sh's pass scenario.
func passGateway(b *testing.B, upstream string) *fasthttp.Server {
	cfg, repo, _ := benchRepo(b, "listen: {http: \"127.0.0.1:0\", admin: \"off\"}\nrepository: REPO\nusage: {events: false}\n"+`
apis:
  - {provider: admin, name: Bench, version: 1.0.0, context: /bench, auth: none, backend: ["BACKEND"]}
`, "http://"+upstream)
	g, err := Assemble(cfg, Deps{Repo: repo})
	if err != nil {
		b.Fatal(err)
	}
	return NewSwitch(g).Server(ServerOptionsFrom(cfg))
}
