package analytics

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"
)

// sample is a fault event with every field set.
func sample() Event {
	return Event{Type: TypeFault, Time: time.Date(2025, 3, 4, 5, 6, 7, 891e6, time.FixedZone("x", 3600)),
		Node: "gw-1", Tenant: "carbon.super", API: "admin--Orders:v1.0.0", Version: "1.0.0", Resource: "/{id}",
		Method: "GET", Status: 502, Latency: 1500 * time.Microsecond, Backend: time.Millisecond, Mediation: 250 * time.Microsecond,
		Application: "App", ApplicationID: "1", ConsumerKey: "ck", User: "alice", ErrorCode: "101503",
		CorrelationID: "urn:uuid:1", TraceID: [16]byte{0xab, 1}, ClientIP: netip.MustParseAddr("192.0.2.1")}
}

func TestAppendJSON(t *testing.T) {
	full := sample()
	req := sample()
	req.Type, req.ErrorCode, req.CorrelationID, req.TraceID, req.ClientIP = TypeRequest, "", "", [16]byte{}, netip.Addr{}
	hostile := Event{Type: TypeResponse, User: "a\"b\\c\nd\x01e\xffé\u2028"}
	for _, tc := range []struct {
		name   string
		ev     Event
		want   map[string]any
		absent []string
	}{
		{"fault event, every field", full, map[string]any{"type": "fault", "timestamp": "2025-03-04T04:06:07.891Z",
			"node": "gw-1", "tenant": "carbon.super", "api": "admin--Orders:v1.0.0", "version": "1.0.0",
			"resource": "/{id}", "method": "GET", "status": 502.0, "latency_ms": 1.5, "backend_ms": 1.0,
			"mediation_ms": 0.25, "application": "App", "application_id": "1", "consumer_key": "ck", "user": "alice",
			"error_code": "101503", "correlation_id": "urn:uuid:1", "trace_id": "ab010000000000000000000000000000",
			"client_ip": "192.0.2.1"}, nil},
		{"request event: no response fields", req, map[string]any{"type": "request", "client_ip": ""},
			[]string{"status", "latency_ms", "backend_ms", "mediation_ms", "error_code", "correlation_id", "trace_id"}},
		{"hostile strings stay valid JSON", hostile, map[string]any{"user": "a\"b\\c\nd\x01e\ufffdé\u2028"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.ev.AppendJSON(nil)
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("invalid JSON %s: %v", b, err)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			for _, k := range tc.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s present", k)
				}
			}
		})
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	ev := sample()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = ev.AppendJSON(buf[:0])
	}
}
