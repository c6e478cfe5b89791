package handlers

import (
	"net/netip"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/handlers/analytics"
)

// logPublisher publishes to a log sink on an observer core; the caller
// closes it (flushing) before reading the lines.
func logPublisher(t testing.TB) (*analytics.Publisher, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.InfoLevel)
	p := analytics.New(analytics.Options{Targets: []analytics.Target{{Sink: analytics.NewLogSink(zap.New(core).Named("usage"))}}})
	t.Cleanup(p.Close)
	return p, logs
}

func TestUsageEventAndMetrics(t *testing.T) {
	f := newFixture(t)
	pub, logs := logPublisher(t)
	reg := prometheus.NewRegistry()
	u, err := NewUsage(f.cfg, UsageOptions{Publisher: pub, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	ex := f.exchange(t, "POST", "/orders/v1/9", "apikey", "key-super-1")
	ex.App = &f.cfg.Applications[0]
	ex.Principal = Principal{Method: "apikey", User: "alice@carbon.super"}
	ex.ClientIP = netip.MustParseAddr("192.0.2.7")
	ex.Timing = RequestTiming{Start: time.Now().Add(-50 * time.Millisecond), Backend: 30 * time.Millisecond, Mediation: 5 * time.Millisecond}
	ex.MC.Resp.SetStatusCode(201)
	u.Complete(ex)

	ex2 := f.exchange(t, "GET", "/t/abc.com/stock/1.0.0/x")
	WriteError(ex2.MC, 401, CodeMissingCredentials, "Missing Credentials", "no key")
	u.Complete(ex2)
	pub.Close()

	entries := logs.FilterLoggerName("usage").AllUntimed()
	if len(entries) != 2 {
		t.Fatalf("%d usage lines, want 2", len(entries))
	}
	for i, want := range []map[string]any{
		{"type": "response", "tenant": "carbon.super", "api": "admin--Orders:vv1", "version": "v1", "resource": "/{id}",
			"method": "POST", "application": "App1", "application_id": "app-1", "consumer_key": "ck-1",
			"user": "alice@carbon.super", "status": int64(201), "backend_ms": 30.0, "mediation_ms": 5.0,
			"client_ip": "192.0.2.7", "node": f.cfg.Cluster.Node},
		{"type": "fault", "tenant": "abc.com", "api": "user1-AT-abc.com--Stock:v1.0.0", "status": int64(401),
			"error_code": "900902", "application": "", "user": "", "client_ip": "127.0.0.1"},
	} {
		fields := entries[i].ContextMap()
		if entries[i].Message != want["type"] {
			t.Errorf("line %d: message %q, want the type", i, entries[i].Message)
		}
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("line %d: %s = %v (%T), want %v", i, k, fields[k], fields[k], v)
			}
		}
	}
	if _, ok := entries[0].ContextMap()["error_code"]; ok {
		t.Error("a response event carries error_code")
	}
	if l, _ := entries[0].ContextMap()["latency_ms"].(float64); l < 50 || l > 5000 {
		t.Errorf("latency_ms %v", entries[0].ContextMap()["latency_ms"])
	}
	if got := counter(t, reg, "seqgate_requests_total", "carbon.super", "admin--Orders:vv1", "2xx"); got != 1 {
		t.Errorf("2xx counter %v", got)
	}
	if got := counter(t, reg, "seqgate_requests_total", "abc.com", "user1-AT-abc.com--Stock:v1.0.0", "4xx"); got != 1 {
		t.Errorf("4xx counter %v", got)
	}
	if got := histCount(t, reg, "seqgate_backend_duration_seconds", "admin--Orders:vv1"); got != 1 {
		t.Errorf("backend histogram count %v", got)
	}
}

func TestUsageRequestEvents(t *testing.T) {
	for _, tc := range []struct {
		name string
		on   bool
		want []string
	}{
		{"off by default", false, []string{"response"}},
		{"request_events: true", true, []string{"request", "response"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.cfg.Analytics.RequestEvents = tc.on
			pub, logs := logPublisher(t)
			u, err := NewUsage(f.cfg, UsageOptions{Publisher: pub, Registry: prometheus.NewRegistry()})
			if err != nil {
				t.Fatal(err)
			}
			ex := f.exchange(t, "GET", "/open/v1/x")
			ex.Timing.Start = time.Now()
			u.HandleRequest(ex)
			ex.MC.Resp.SetStatusCode(200)
			u.Complete(ex)
			pub.Close()
			var got []string
			for _, e := range logs.AllUntimed() {
				got = append(got, e.Message)
				if _, has := e.ContextMap()["status"]; has != (e.Message != "request") {
					t.Errorf("%s event: status present = %v", e.Message, has)
				}
			}
			if len(got) != len(tc.want) || got[0] != tc.want[0] {
				t.Errorf("events %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUsageEventsOff(t *testing.T) {
	f := newFixture(t)
	off := false
	f.cfg.Usage.Events = &off
	pub, logs := logPublisher(t)
	reg := prometheus.NewRegistry()
	u, err := NewUsage(f.cfg, UsageOptions{Publisher: pub, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	ex := f.exchange(t, "GET", "/open/v1/x")
	ex.MC.Resp.SetStatusCode(503)
	u.Complete(ex)
	pub.Close()
	if logs.Len() != 0 {
		t.Errorf("%d lines logged with events off", logs.Len())
	}
	if got := counter(t, reg, "seqgate_requests_total", "carbon.super", "admin--Open:vv1", "5xx"); got != 1 {
		t.Errorf("metrics must still count: %v", got)
	}
	// a config reload builds a second Usage on the same registry: it
	// binds to the registered collectors and the counts carry on
	u2, err := NewUsage(f.cfg, UsageOptions{Registry: reg})
	if err != nil {
		t.Fatalf("second Usage on one registry: %v", err)
	}
	u2.Complete(ex)
	if got := counter(t, reg, "seqgate_requests_total", "carbon.super", "admin--Open:vv1", "5xx"); got != 2 {
		t.Errorf("after a second Usage: count %v, want 2", got)
	}
}

func find(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			return m
		}
	}
	t.Fatalf("no %s %v", name, labels)
	return nil
}

func counter(t *testing.T, reg *prometheus.Registry, name, tenant, api, status string) float64 {
	return find(t, reg, name, map[string]string{"tenant": tenant, "api": api, "status": status}).GetCounter().GetValue()
}

func histCount(t *testing.T, reg *prometheus.Registry, name, api string) uint64 {
	return find(t, reg, name, map[string]string{"api": api}).GetHistogram().GetSampleCount()
}

// BenchmarkUsage is Complete on the request path: metrics, and with
// events the event built and queued (the sink runs on the publisher's
// goroutine, draining into a log on io.Discard).
func BenchmarkUsage(b *testing.B) {
	for _, events := range []bool{false, true} {
		name := "events-off"
		if events {
			name = "events-on"
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			f.cfg.Usage.Events = &events
			log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(discard{}), zapcore.InfoLevel))
			pub := analytics.New(analytics.Options{Buffer: 1 << 16, Targets: []analytics.Target{{Sink: analytics.NewLogSink(log)}}})
			defer pub.Close()
			u, err := NewUsage(f.cfg, UsageOptions{Publisher: pub, Registry: prometheus.NewRegistry()})
			if err != nil {
				b.Fatal(err)
			}
			ex := f.exchange(b, "GET", "/open/v1/x")
			ex.Timing.Start = time.Now()
			ex.MC.Resp.SetStatusCode(200)
			b.ReportAllocs()
			for b.Loop() {
				u.Complete(ex)
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
