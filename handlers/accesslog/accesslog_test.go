package accesslog

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var start = time.Date(2026, 12, 5, 2, 3, 4, 5e6, time.UTC)

func entry(l *Log) *Entry {
	e := l.Begin(start, netip.MustParseAddr("10.0.0.7"), "GET", "HTTP/1.1", []byte("/orders/1.0.0/7"),
		[]byte("curl/8.0"), nil, 0)
	e.Status, e.BytesOut, e.Latency = 200, 12, 1500*time.Microsecond
	e.Tenant, e.API, e.Resource, e.User = "carbon.super", "admin--Orders:v1.0.0", "/{id}", "alice"
	e.SetCorrelationID("c-1")
	return e
}

func TestFormats(t *testing.T) {
	l := &Log{}
	l.pool.New = func() any { return &Entry{} }
	e := entry(l)
	if got, want := string(e.AppendJSON(nil)), `{"time":"2026-12-05T02:03:04.005Z","remote":"10.0.0.7","method":"GET","path":"/orders/1.0.0/7","proto":"HTTP/1.1","status":200,"bytes_in":0,"bytes_out":12,"latency_ms":1.5,"user_agent":"curl/8.0","user":"alice","tenant":"carbon.super","api":"admin--Orders:v1.0.0","resource":"/{id}","correlation_id":"c-1"}`; got != want {
		t.Errorf("json:\n got %s\nwant %s", got, want)
	}
	e.Start = e.Start.In(time.FixedZone("X", 3600))
	got := string(e.AppendCombined(nil))
	want := `10.0.0.7 - alice [05/Dec/2026:02:03:04 +0000] "GET /orders/1.0.0/7 HTTP/1.1" 200 12 "" "curl/8.0" latency_ms=1.5 tenant=carbon.super api=admin--Orders:v1.0.0 resource=/{id} correlation_id=c-1 bytes_in=0`
	if time.Local != time.UTC { // the combined time is in the local zone, as Apache writes it
		want = strings.Replace(want, "05/Dec/2026:02:03:04 +0000", start.Local().Format(clfTime), 1)
	}
	if got != want {
		t.Errorf("combined:\n got %s\nwant %s", got, want)
	}
}

// TestHostileFields: what a client sends cannot break a line: JSON is
// escaped exactly; the combined format escapes quotes, backslashes,
// control and invalid UTF-8 bytes as \xHH and spaces in bare fields.
func TestHostileFields(t *testing.T) {
	l := &Log{}
	l.pool.New = func() any { return &Entry{} }
	e := l.Begin(start, netip.Addr{}, "GET", "HTTP/1.0", []byte("/a\"b\\c\n\xff"), []byte("ua\r\nX: y é"), []byte("r"), -1)
	e.Status, e.BytesOut = 404, -1
	e.SetCorrelationID("id with space")
	if got := string(e.AppendJSON(nil)); !strings.Contains(got, `"path":"/a\"b\\c\n\ufffd"`) ||
		!strings.Contains(got, `"user_agent":"ua\r\nX: y é"`) || strings.Contains(got, "bytes_in") || strings.Contains(got, "remote") {
		t.Errorf("json: %s", got)
	}
	got := string(e.AppendCombined(nil))
	if !strings.HasPrefix(got, `- - - [`) || !strings.Contains(got, `"GET /a\x22b\x5cc\x0a\xff HTTP/1.0" 404 - "r" "ua\x0d\x0aX: y é"`) ||
		!strings.Contains(got, `correlation_id=id\x20with\x20space bytes_in=-`) || strings.ContainsAny(got, "\r\n") {
		t.Errorf("combined: %s", got)
	}
}

// TestFieldCap: a huge user agent is cut at maxField bytes.
func TestFieldCap(t *testing.T) {
	l := &Log{}
	l.pool.New = func() any { return &Entry{} }
	e := l.Begin(start, netip.Addr{}, "GET", "HTTP/1.1", []byte("/"), []byte(strings.Repeat("u", 5000)), nil, 0)
	if n := len(e.UserAgent()); n != maxField {
		t.Errorf("user agent kept %d bytes, want %d", n, maxField)
	}
}

// TestWriteAndDrop: lines reach the file through the writer; a queue with
// no room drops and counts instead of blocking; Close flushes.
func TestWriteAndDrop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	reg := prometheus.NewRegistry()
	l, err := New(Options{Output: path, Buffer: 1, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ { // a queue of one: some are dropped, none block
		l.End(entry(l))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l.End(entry(l)) // after Close: dropped, no panic
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(data), "\n")
	dropped := counter(l.dropped)
	if lines < 1 || float64(lines)+dropped != 201 || counter(l.lines) != float64(lines) {
		t.Errorf("%d lines written, %v dropped; want 201 in all, at least one written", lines, dropped)
	}
	if !strings.HasPrefix(string(data), `{"time":"2026-12-05T02:03:04.005Z"`) {
		t.Errorf("file starts %q", data[:min(len(data), 80)])
	}
	// A second Log on the same registry shares the counters (a restart of the writer keeps counting).
	l2, err := New(Options{Output: path, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if l2.dropped != l.dropped {
		t.Error("a second Log on one registry got its own dropped counter")
	}
}

func TestOpenError(t *testing.T) {
	_, err := New(Options{Output: filepath.Join(t.TempDir(), "no", "such", "dir", "a.log")})
	if err == nil || !strings.Contains(err.Error(), "access_log.output: ") {
		t.Fatalf("err = %v", err)
	}
}

// TestRequestPathAllocs: once the pool holds the entries the writer has
// written, a request's Begin and End allocate nothing.
func TestRequestPathAllocs(t *testing.T) {
	if raceOn {
		t.Skip("sync.Pool drops entries at random under the race detector")
	}
	l, err := New(Options{Output: filepath.Join(t.TempDir(), "a.log")})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	path, ua := []byte("/orders/1.0.0/7"), []byte("curl/8.0")
	const warm = 200
	for range warm {
		l.End(l.Begin(start, netip.Addr{}, "GET", "HTTP/1.1", path, ua, nil, 0))
	}
	deadline := time.Now().Add(10 * time.Second)
	for counter(l.lines) < warm && time.Now().Before(deadline) { // the writer returns them to the pool
		time.Sleep(5 * time.Millisecond)
	}
	allocs := testing.AllocsPerRun(warm/2, func() {
		e := l.Begin(start, netip.Addr{}, "GET", "HTTP/1.1", path, ua, nil, 0)
		e.SetCorrelationID("c-1")
		l.End(e)
	})
	if allocs > 0.1 { // the pool may refill once in a while
		t.Errorf("Begin+End: %v allocs per request, want 0", allocs)
	}
}

// BenchmarkBeginEnd is what the request goroutine pays per line.
func BenchmarkBeginEnd(b *testing.B) {
	l, err := New(Options{Output: filepath.Join(b.TempDir(), "a.log")})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	path, ua := []byte("/orders/1.0.0/7"), []byte("bench/1.0 (a typical client string of some length)")
	b.ReportAllocs()
	for b.Loop() {
		e := l.Begin(start, netip.Addr{}, "GET", "HTTP/1.1", path, ua, nil, 0)
		e.SetCorrelationID("c-1")
		l.End(e)
	}
}

func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}
