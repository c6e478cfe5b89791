package config

import (
	"strings"
	"testing"
)

func TestValidateAnalytics(t *testing.T) {
	const base = "listen: { http: \"127.0.0.1:0\" }\n"
	for _, tc := range []struct {
		name, yaml, err string
	}{
		{"defaults: one log sink", "", ""},
		{"every sink type", `redis: { addr: "127.0.0.1:6379" }
analytics: { sinks: [ {type: log}, {type: file, path: "-"}, {type: http, url: "https://c.example/e", headers: ["Authorization: Bearer x"]}, {type: redis_stream} ] }`, ""},
		{"unknown type", `analytics: { sinks: [ {type: kafka} ] }`, `analytics.sinks[0] (kafka): type "kafka" is not log, file, http or redis_stream`},
		{"file without path", `analytics: { sinks: [ {type: file} ] }`, "analytics.sinks[0] (file): path is required"},
		{"http without url", `analytics: { sinks: [ {type: http, url: "ftp://x"} ] }`, `analytics.sinks[0] (http): url: "ftp://x" is not an http(s) URL`},
		{"bad header", `analytics: { sinks: [ {type: http, url: "http://c/e", headers: ["nocolon"]} ] }`, `headers[0]: "nocolon" is not "Name: value"`},
		{"redis_stream without redis", `analytics: { sinks: [ {type: redis_stream} ] }`, "analytics.sinks[0] (redis_stream): needs the redis section: redis.addr is empty"},
		{"batch too big", `analytics: { sinks: [ {type: log, batch_size: 20000} ] }`, "batch_size: 20000 is not in 1..10000"},
		{"negative buffer", `analytics: { buffer: -1 }`, "analytics.buffer: must be positive"},
		{"sample ratio out of range", `tracing: { enabled: true, sample_ratio: 1.5 }`, "tracing.sample_ratio: 1.5 is not in (0, 1]"},
		{"tracing endpoint", `tracing: { enabled: true, endpoint: "localhost:4318" }`, "tracing.endpoint:"},
		{"tracing off: endpoint not checked", `tracing: { endpoint: "nonsense" }`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(base + tc.yaml))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want it to contain %q", err, tc.err)
			}
		})
	}
}

func TestAnalyticsDefaults(t *testing.T) {
	c, err := Parse([]byte("listen: { http: \"127.0.0.1:0\" }\nredis: { addr: \"r:6379\" }\nanalytics: { sinks: [ {type: redis_stream} ] }\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Analytics.Sinks[0]
	if c.Analytics.Buffer != 8192 || s.Stream != "seqgate:analytics" || s.MaxLen != 100000 || s.BatchSize != 100 ||
		s.FlushInterval.D().Seconds() != 1 || c.Tracing.SampleRatio != 1 || c.Cluster.Node == "" {
		t.Errorf("defaults: %+v %+v node %q", c.Analytics, c.Tracing, c.Cluster.Node)
	}
}
