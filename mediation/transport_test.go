package mediation_test

import (
	"net"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// seen is what a real backend on 127.0.0.1 received.
type seen struct {
	host, uri, proto string
	close            bool
	contentLength    int
}

func startEcho(t *testing.T) (string, chan seen) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan seen, 1)
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ch <- seen{host: string(ctx.Host()), uri: string(ctx.Request.Header.RequestURI()),
			proto: string(ctx.Request.Header.Protocol()), close: ctx.Request.Header.ConnectionClose(),
			contentLength: ctx.Request.Header.ContentLength()}
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return ln.Addr().String(), ch
}

// TestShapeBackendRequest: the axis2 transport switches reach a real
// backend.
func TestShapeBackendRequest(t *testing.T) {
	addr, ch := startEcho(t)
	cases := []struct {
		name, prop, value string
		check             func(s seen) bool
	}{
		{"none", "", "", func(s seen) bool {
			return s.host == addr && s.uri == "/p?q=1" && s.proto == "HTTP/1.1" && !s.close && s.contentLength == 4
		}},
		{"NO_KEEPALIVE", "NO_KEEPALIVE", "true", func(s seen) bool { return s.close }},
		{"REQUEST_HOST_HEADER", "REQUEST_HOST_HEADER", "api.example.com", func(s seen) bool { return s.host == "api.example.com" }},
		{"FORCE_HTTP_1.0", "FORCE_HTTP_1.0", "true", func(s seen) bool { return s.proto == "HTTP/1.0" }},
		{"POST_TO_URI is a no-op", "POST_TO_URI", "true", func(s seen) bool { return s.uri == "/p?q=1" }},
		{"DISABLE_CHUNKING is a no-op", "DISABLE_CHUNKING", "true", func(s seen) bool { return s.contentLength == 4 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := newMC(t, msg{body: "body"})
			if tc.prop != "" {
				mc.SetProperty(mediation.ScopeAxis2, tc.prop, tc.value)
			}
			req := mc.Req
			req.SetRequestURI("/p?q=1")
			req.Header.SetHost(addr)
			mc.ShapeBackendRequest(req)
			c := &fasthttp.HostClient{Addr: addr}
			if err := c.DoTimeout(req, mc.Resp, 2*time.Second); err != nil {
				t.Fatal(err)
			}
			if s := <-ch; !tc.check(s) {
				t.Errorf("backend saw %+v", s)
			}
		})
	}
	t.Run("remove clears", func(t *testing.T) {
		mc := newMC(t, msg{})
		mc.SetProperty(mediation.ScopeAxis2, "NO_KEEPALIVE", "true")
		mc.RemoveProperty(mediation.ScopeAxis2, "NO_KEEPALIVE")
		mc.ShapeBackendRequest(mc.Req)
		if mc.Req.Header.ConnectionClose() {
			t.Error("Connection: close after remove")
		}
	})
}

func TestFinishResponse(t *testing.T) {
	cases := []struct {
		name, prop, value string
		status            int
		reason, body      string
	}{
		{"nothing", "", "", 200, "", `{"r":1}`},
		{"HTTP_SC_DESC", "HTTP_SC_DESC", "All Good", 200, "All Good", `{"r":1}`},
		{"FORCE_SC_ACCEPTED", "FORCE_SC_ACCEPTED", "true", 202, "", ""},
		{"FORCE_SC_ACCEPTED false", "FORCE_SC_ACCEPTED", "false", 200, "", `{"r":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := newMC(t, msg{})
			if tc.prop != "" {
				mc.SetProperty(mediation.ScopeAxis2, tc.prop, tc.value)
			}
			mc.Dir = mediation.Out
			mc.Resp.SetBodyString(`{"r":1}`)
			mc.FinishResponse()
			if mc.Resp.StatusCode() != tc.status || string(mc.Resp.Header.StatusMessage()) != tc.reason || string(mc.Resp.Body()) != tc.body {
				t.Errorf("got %d %q %q", mc.Resp.StatusCode(), mc.Resp.Header.StatusMessage(), mc.Resp.Body())
			}
		})
	}
}
