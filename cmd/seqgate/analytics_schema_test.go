package main

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const analyticsConfig = `
listen: { http: "127.0.0.1:0", admin: "127.0.0.1:0" }
repository: REPO
lifecycle: { drain_delay: 0s }
cluster: { node: node-a }
applications: [ { name: App, id: "7", consumer_key: ck-7, user: alice, keys: [ k-secret-1 ] } ]
analytics:
  request_events: true
  sinks: [ { type: file, path: events.jsonl, flush_interval: 20ms } ]
apis:
  - { provider: admin, name: Shop, version: 1.0.0, context: /shop, backend: [ "BACKEND" ],
      resources: [ { methods: [GET], uri_template: "/items/{id}" } ] }
  - { provider: admin, name: Down, version: 1.0.0, context: /down, auth: none, backend: [ "DOWN" ] }
`

// readEvents reads the JSON lines of the file sink.
func readEvents(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad event line %s: %v", sc.Bytes(), err)
		}
		out = append(out, m)
	}
	return out
}

// TestAnalyticsSchema: real requests through the gateway produce the
// documented fields (SCHEMA.md) for a response event and for fault events
// (401 from auth, 502 from a backend that is down); nothing of the query
// string or the credential leaks into them.
func TestAnalyticsSchema(t *testing.T) {
	backend, _ := startBackend(t, 0)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	r := startServer(t, strings.ReplaceAll(analyticsConfig, "DOWN", down), nil, backend)
	for _, req := range []struct {
		path   string
		hdr    []string
		status int
	}{
		{"/shop/1.0.0/items/42?token=q-secret-2", []string{"apikey", "k-secret-1"}, 200},
		{"/shop/1.0.0/items/42", nil, 401},
		{"/down/1.0.0/x", nil, 502},
	} {
		if got := do(t, r.traffic, "GET", req.path, "", req.hdr...).StatusCode(); got != req.status {
			t.Fatalf("GET %s: %d, want %d", req.path, got, req.status)
		}
	}
	path := filepath.Join(r.root, "events.jsonl")
	var evs []map[string]any
	eventually(t, "5 events in the file sink", func() bool { evs = readEvents(t, path); return len(evs) >= 5 })

	byType := map[string][]map[string]any{}
	for _, e := range evs {
		byType[e["type"].(string)] = append(byType[e["type"].(string)], e)
	}
	if len(byType["request"]) != 2 || len(byType["response"]) != 1 || len(byType["fault"]) != 2 {
		t.Fatalf("events by type: %d request, %d response, %d fault; want 2, 1, 2: %v",
			len(byType["request"]), len(byType["response"]), len(byType["fault"]), evs)
	}
	common := []string{"type", "timestamp", "node", "tenant", "api", "version", "resource", "method",
		"application", "application_id", "consumer_key", "user", "client_ip"}
	finished := append(common, "status", "latency_ms", "backend_ms", "mediation_ms")
	resp := byType["response"][0]
	for _, k := range finished {
		if _, ok := resp[k]; !ok {
			t.Errorf("response event has no %s: %v", k, resp)
		}
	}
	want := map[string]any{"node": "node-a", "tenant": "carbon.super", "api": "admin--Shop:v1.0.0", "version": "1.0.0",
		"resource": "/items/{id}", "method": "GET", "status": 200.0, "application": "App", "application_id": "7",
		"consumer_key": "ck-7", "client_ip": "127.0.0.1"}
	for k, v := range want {
		if resp[k] != v {
			t.Errorf("response %s = %#v, want %#v", k, resp[k], v)
		}
	}
	if u, _ := resp["user"].(string); !strings.Contains(u, "alice") {
		t.Errorf("response user %q, want the app's user", resp["user"])
	}
	if ts, _ := resp["timestamp"].(string); len(ts) != len("2006-01-02T15:04:05.000Z") || !strings.HasSuffix(ts, "Z") {
		t.Errorf("timestamp %q is not RFC 3339 with ms in UTC", ts)
	}
	faults := map[float64]string{}
	for _, f := range byType["fault"] {
		for _, k := range finished {
			if _, ok := f[k]; !ok {
				t.Errorf("fault event has no %s: %v", k, f)
			}
		}
		faults[f["status"].(float64)], _ = f["error_code"].(string)
	}
	if faults[401] != "900902" || faults[502] != "101503" {
		t.Errorf("fault error codes %v, want 401: 900902, 502: 101503", faults)
	}
	raw, _ := os.ReadFile(path)
	for _, secret := range []string{"k-secret-1", "q-secret-2", "token="} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the events carry %q: credentials and query strings must never be published", secret)
		}
	}
}

// TestMetricsNames scrapes /metrics: every family of ours has the
// seqgate_ prefix (go_, process_ and promhttp_ are the standard ones), the
// analytics counters are there, and no label carries a user, path or IP.
func TestMetricsNames(t *testing.T) {
	backend, _ := startBackend(t, 0)
	r := startServer(t, strings.ReplaceAll(analyticsConfig, "DOWN", backend), nil, backend)
	do(t, r.traffic, "GET", "/shop/1.0.0/items/42", "", "apikey", "k-secret-1")
	_, body := r.get("/metrics")
	seen := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, "# TYPE ") {
			if strings.Contains(line, "alice") || strings.Contains(line, "/items/42") || strings.Contains(line, "127.0.0.1") {
				t.Errorf("unbounded label value in %q", line)
			}
			continue
		}
		name := strings.Fields(line)[2]
		seen[name] = true
		if !strings.HasPrefix(name, "seqgate_") && !strings.HasPrefix(name, "go_") &&
			!strings.HasPrefix(name, "process_") && !strings.HasPrefix(name, "promhttp_") {
			t.Errorf("metric %s has no seqgate_ prefix", name)
		}
	}
	for _, name := range []string{"seqgate_requests_total", "seqgate_analytics_events_total",
		"seqgate_analytics_dropped_total", "seqgate_analytics_sink_errors_total"} {
		if !seen[name] {
			t.Errorf("no %s in /metrics", name)
		}
	}
}
