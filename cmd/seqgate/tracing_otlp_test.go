package main

import (
	"bytes"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpCollector is a fake OTLP/HTTP collector on 127.0.0.1: it decodes
// each protobuf export request and keeps the spans.
type otlpCollector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	paths []string
}

func startCollectorOTLP(t *testing.T) (*otlpCollector, string) {
	c := &otlpCollector{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req coltrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			t.Errorf("collector: not an OTLP export request: %v", err)
		}
		c.mu.Lock()
		c.paths = append(c.paths, r.URL.Path)
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				c.spans = append(c.spans, ss.GetSpans()...)
			}
		}
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		_, _ = w.Write(b)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return c, "http://" + ln.Addr().String()
}

// traceBackend records the traceparent each request carried.
func traceBackend(t *testing.T) (string, func() []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		mu.Lock()
		seen = append(seen, string(ctx.Request.Header.Peek("traceparent")))
		mu.Unlock()
		ctx.SetBodyString(`{"ok":true}`)
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return "http://" + ln.Addr().String(), func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}

const tracingConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
lifecycle: { drain_delay: 0s }
tracing: { enabled: true, endpoint: "COLLECTOR", service_name: seqgate-test }
apis:
  - { provider: admin, name: Traced, version: 1.0.0, context: /traced, auth: none, backend: [ "BACKEND" ],
      resources: [ { methods: [GET], uri_template: "/items/{id}" } ] }
`

// TestTracingOTLP: a request gives a server span with one child span per
// sequence run, exported over OTLP/HTTP on close; the backend sees the
// request span in traceparent; an incoming traceparent's trace is kept.
func TestTracingOTLP(t *testing.T) {
	col, colURL := startCollectorOTLP(t)
	backend, seen := traceBackend(t)
	r := startServer(t, strings.ReplaceAll(tracingConfig, "COLLECTOR", colURL), map[string]string{
		"g_in.xml": seqXML("WSO2AM--Ext--In", `<property name="a" value="1"/>`),
		"a_in.xml": seqXML("admin--Traced:v1.0.0--In", `<property name="b" value="2"/>`),
	}, backend)
	const incomingTrace, incomingParent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	if got := do(t, r.traffic, "GET", "/traced/1.0.0/items/1", "").StatusCode(); got != 200 {
		t.Fatalf("status %d", got)
	}
	if got := do(t, r.traffic, "GET", "/traced/1.0.0/items/2", "",
		"traceparent", "00-"+incomingTrace+"-"+incomingParent+"-01").StatusCode(); got != 200 {
		t.Fatalf("status %d", got)
	}
	r.stop() // the tracer provider flushes its batch on close

	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.paths) == 0 || col.paths[0] != "/v1/traces" {
		t.Fatalf("exports to %v, want /v1/traces", col.paths)
	}
	var servers []*tracepb.Span
	children := map[string][]*tracepb.Span{} // by parent span id
	for _, s := range col.spans {
		if s.GetKind() == tracepb.Span_SPAN_KIND_SERVER {
			servers = append(servers, s)
		} else {
			children[hex.EncodeToString(s.GetParentSpanId())] = append(children[hex.EncodeToString(s.GetParentSpanId())], s)
		}
	}
	if len(servers) != 2 {
		t.Fatalf("%d server spans, want 2 (of %d spans)", len(servers), len(col.spans))
	}
	backendSaw := seen()
	for i, s := range servers {
		if s.GetName() != "GET /traced/1.0.0/items/{id}" {
			t.Errorf("server span name %q", s.GetName())
		}
		if attr(s, "seqgate.api") != "admin--Traced:v1.0.0" || attr(s, "http.response.status_code") != "200" {
			t.Errorf("server span attributes %v", s.GetAttributes())
		}
		kids := children[hex.EncodeToString(s.GetSpanId())]
		if len(kids) != 2 || kids[0].GetName() != "sequence WSO2AM--Ext--In" || kids[1].GetName() != "sequence admin--Traced:v1.0.0--In" {
			t.Errorf("span %d: child spans %v, want one per sequence run", i, names(kids))
		}
		for _, k := range kids {
			if !bytes.Equal(k.GetTraceId(), s.GetTraceId()) || attr(k, "seqgate.direction") != "In" || attr(k, "seqgate.outcome") != "continue" {
				t.Errorf("sequence span %s: trace or attributes wrong: %v", k.GetName(), k.GetAttributes())
			}
		}
		want := "00-" + hex.EncodeToString(s.GetTraceId()) + "-" + hex.EncodeToString(s.GetSpanId()) + "-01"
		found := false
		for _, tp := range backendSaw {
			found = found || tp == want
		}
		if !found {
			t.Errorf("the backend saw traceparents %v, none is the request span's %s", backendSaw, want)
		}
	}
	kept := false
	for _, s := range servers {
		if hex.EncodeToString(s.GetTraceId()) == incomingTrace {
			kept = hex.EncodeToString(s.GetParentSpanId()) == incomingParent
		}
	}
	if !kept {
		t.Errorf("no server span continues the incoming trace %s with parent %s", incomingTrace, incomingParent)
	}
}

func attr(s *tracepb.Span, key string) string {
	for _, a := range s.GetAttributes() {
		if a.GetKey() == key {
			v := a.GetValue()
			if _, ok := v.GetValue().(*commonpb.AnyValue_IntValue); ok {
				return strconv.FormatInt(v.GetIntValue(), 10)
			}
			return v.GetStringValue()
		}
	}
	return ""
}

func names(spans []*tracepb.Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.GetName())
	}
	return out
}
