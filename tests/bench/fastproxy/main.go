// Command fastproxy is the floor of the bench: a fasthttp server whose
// handler forwards every request to one backend through a
// fasthttp.HostClient and copies the answer back, nothing else (no routing,
// no header edits, no logs). seqgate is built on the same two pieces, so
// what seqgate's pass scenario costs above this is what seqgate adds.
package main

import (
	"flag"
	"log"
	"strings"

	"github.com/valyala/fasthttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18095", "listen address")
	upstream := flag.String("upstream", "http://127.0.0.1:18080", "backend URL")
	flag.Parse()
	hc := &fasthttp.HostClient{Addr: strings.TrimPrefix(*upstream, "http://"), MaxConns: 1024}
	handler := func(ctx *fasthttp.RequestCtx) {
		req := &ctx.Request
		req.SetHost(hc.Addr)
		if err := hc.Do(req, &ctx.Response); err != nil {
			ctx.Error("bad gateway: "+err.Error(), fasthttp.StatusBadGateway)
		}
	}
	s := &fasthttp.Server{Handler: handler, Name: "fastproxy"}
	log.Fatal(s.ListenAndServe(*addr))
}
