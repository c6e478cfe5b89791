package analytics

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/tests/redistest"
)

// publishN publishes n events (status 0..n-1) through cfg's sinks and
// closes the publisher, so everything is flushed.
func publishN(t *testing.T, a config.Analytics, d Deps, n int) *prometheus.Registry {
	t.Helper()
	d.Registry = prometheus.NewRegistry()
	p, err := FromConfig(a, d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		ev := sample()
		ev.Status = i
		p.Publish(&ev)
	}
	p.Close()
	return d.Registry
}

func sinkCfg(s config.Sink) config.Analytics {
	if s.BatchSize == 0 {
		s.BatchSize = 100
	}
	s.FlushInterval, s.Timeout = config.Duration(time.Hour), config.Duration(5*time.Second)
	return config.Analytics{Buffer: 1024, Sinks: []config.Sink{s}}
}

func eventsTotal(t *testing.T, reg *prometheus.Registry, sink string) float64 {
	t.Helper()
	m, _ := NewMetrics(reg) // binds to the registered counters
	return value(t, m.events.WithLabelValues(sink))
}

func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestFileSink(t *testing.T) {
	dir := t.TempDir()
	reg := publishN(t, sinkCfg(config.Sink{Type: config.SinkFile, Path: "events.jsonl"}), Deps{Dir: dir}, 250)
	f, err := os.Open(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for ; sc.Scan(); n++ {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if m["status"] != float64(n) || m["type"] != "fault" {
			t.Fatalf("line %d: %s", n+1, sc.Bytes())
		}
	}
	if n != 250 {
		t.Errorf("%d lines, want 250", n)
	}
	if got := eventsTotal(t, reg, "file"); got != 250 {
		t.Errorf("seqgate_analytics_events_total{sink=file} = %v", got)
	}
}

// collector is an HTTP analytics collector on 127.0.0.1.
type collector struct {
	mu      sync.Mutex
	batches []int
	events  int
	headers http.Header
	status  int
}

func startCollector(t *testing.T, status int) (*collector, string) {
	c := &collector{status: status}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch []map[string]any
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &batch); err != nil {
			t.Errorf("collector: body is no JSON array: %v", err)
		}
		c.mu.Lock()
		c.batches = append(c.batches, len(batch))
		c.events += len(batch)
		c.headers = r.Header.Clone()
		c.mu.Unlock()
		w.WriteHeader(c.status)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return c, "http://" + ln.Addr().String() + "/events"
}

func TestHTTPSink(t *testing.T) {
	c, url := startCollector(t, http.StatusAccepted)
	reg := publishN(t, sinkCfg(config.Sink{Type: config.SinkHTTP, URL: url, BatchSize: 40,
		Headers: []string{"Authorization: Bearer xyz"}}), Deps{}, 100)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.events != 100 || len(c.batches) != 3 || c.batches[0] != 40 || c.batches[2] != 20 {
		t.Errorf("collector got %d events in batches %v, want 100 in 40+40+20", c.events, c.batches)
	}
	if c.headers.Get("Content-Type") != "application/json" || c.headers.Get("Authorization") != "Bearer xyz" {
		t.Errorf("headers %v", c.headers)
	}
	if got := eventsTotal(t, reg, "http"); got != 100 {
		t.Errorf("events_total{sink=http} = %v", got)
	}
}

func TestHTTPSinkFailures(t *testing.T) {
	_, url := startCollector(t, http.StatusServiceUnavailable)
	core, logs := observer.New(zapcore.WarnLevel)
	reg := publishN(t, sinkCfg(config.Sink{Type: config.SinkHTTP, URL: url, BatchSize: 10}), Deps{Log: zap.New(core)}, 50)
	m, _ := NewMetrics(reg)
	if got := value(t, m.errors.WithLabelValues("http")); got != 5 {
		t.Errorf("sink_errors_total{sink=http} = %v, want 5 (one per failed batch)", got)
	}
	if n := logs.FilterMessageSnippet("sink failing").Len(); n != 1 {
		t.Errorf("%d failure lines, want 1 per failure streak", n)
	}
}

func TestRedisStreamSink(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	a := sinkCfg(config.Sink{Type: config.SinkRedisStream, Stream: "test:events", MaxLen: 100000, BatchSize: 30})
	reg := publishN(t, a, Deps{Redis: rdb}, 75)
	msgs, err := rdb.XRange(context.Background(), "test:events", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 75 {
		t.Fatalf("%d stream entries, want 75", len(msgs))
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(msgs[74].Values["event"].(string)), &last); err != nil || last["status"] != 74.0 {
		t.Errorf("last entry %v (%v)", msgs[74].Values, err)
	}
	if got := eventsTotal(t, reg, "redis_stream"); got != 75 {
		t.Errorf("events_total{sink=redis_stream} = %v", got)
	}
	if _, err := FromConfig(a, Deps{}); err == nil {
		t.Error("a redis_stream sink without a redis client must be refused")
	}
}

func TestLogSink(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	publishN(t, sinkCfg(config.Sink{Type: config.SinkLog}), Deps{Log: zap.New(core)}, 3)
	entries := logs.FilterLoggerName("usage").AllUntimed()
	if len(entries) != 3 {
		t.Fatalf("%d usage lines, want 3", len(entries))
	}
	f := entries[2].ContextMap()
	want := map[string]any{"type": "fault", "status": int64(2), "timestamp": "2025-03-04T04:06:07.891Z",
		"trace_id": "ab010000000000000000000000000000", "client_ip": "192.0.2.1", "latency_ms": 1.5, "error_code": "101503"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %#v, want %#v", k, f[k], v)
		}
	}
	if entries[2].Message != "fault" {
		t.Errorf("message %q, want the type", entries[2].Message)
	}
}
