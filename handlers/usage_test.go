package handlers

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestUsageEventAndMetrics(t *testing.T) {
	f := newFixture(t)
	core, logs := observer.New(zapcore.InfoLevel)
	reg := prometheus.NewRegistry()
	u, err := NewUsage(f.cfg, zap.New(core), reg)
	if err != nil {
		t.Fatal(err)
	}
	auth, _ := NewAuth(f.cfg)
	ex := f.exchange(t, "POST", "/orders/v1/9", "apikey", "key-super-1")
	auth.HandleRequest(ex)
	ex.Timing = RequestTiming{Start: time.Now().Add(-50 * time.Millisecond), Backend: 30 * time.Millisecond, Mediation: 5 * time.Millisecond}
	ex.MC.Resp.SetStatusCode(201)
	u.Complete(ex)

	ex2 := f.exchange(t, "GET", "/t/abc.com/stock/1.0.0/x")
	ex2.MC.Resp.SetStatusCode(401)
	u.Complete(ex2)

	entries := logs.FilterLoggerName("usage").AllUntimed()
	if len(entries) != 2 {
		t.Fatalf("%d usage lines, want 2", len(entries))
	}
	fields := entries[0].ContextMap()
	want := map[string]any{"tenant": "carbon.super", "api": "admin--Orders:vv1", "version": "v1", "resource": "/{id}",
		"method": "POST", "application": "App1", "status": int64(201), "backend_ms": 30.0, "mediation_ms": 5.0}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, fields[k], fields[k], v)
		}
	}
	if l, _ := fields["latency_ms"].(float64); l < 50 || l > 5000 {
		t.Errorf("latency_ms %v", fields["latency_ms"])
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

func TestUsageEventsOff(t *testing.T) {
	f := newFixture(t)
	off := false
	f.cfg.Usage.Events = &off
	core, logs := observer.New(zapcore.InfoLevel)
	reg := prometheus.NewRegistry()
	u, err := NewUsage(f.cfg, zap.New(core), reg)
	if err != nil {
		t.Fatal(err)
	}
	ex := f.exchange(t, "GET", "/open/v1/x")
	ex.MC.Resp.SetStatusCode(503)
	u.Complete(ex)
	if logs.Len() != 0 {
		t.Errorf("%d lines logged with events off", logs.Len())
	}
	if got := counter(t, reg, "seqgate_requests_total", "carbon.super", "admin--Open:vv1", "5xx"); got != 1 {
		t.Errorf("metrics must still count: %v", got)
	}
	// a config reload builds a second Usage on the same registry: it
	// binds to the registered collectors and the counts carry on
	u2, err := NewUsage(f.cfg, nil, reg)
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
			u, err := NewUsage(f.cfg, log, prometheus.NewRegistry())
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
