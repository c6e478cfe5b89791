package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Analytics configures the events the usage handler publishes, one per
// finished request (type response or fault) and optionally one when a
// request starts (type request). Events go through a bounded buffer to
// the sinks on their own goroutine: traffic never waits for a sink, and
// what does not fit is dropped and counted (seqgate_analytics_dropped_total).
type Analytics struct {
	Sinks         []Sink `yaml:"sinks"`          // default: one "log" sink
	Buffer        int    `yaml:"buffer"`         // events waiting for the sinks, default 8192
	RequestEvents bool   `yaml:"request_events"` // also publish a request event when a request starts
}

// Sink is one destination of analytics events.
type Sink struct {
	// Type is "log" (a JSON line on the gateway's log, logger "usage"),
	// "file" (JSON lines appended to Path; "-" is stdout), "http" (JSON
	// array POSTed to URL in batches) or "redis_stream" (XADD to Stream on
	// the redis section's server).
	Type          string   `yaml:"type"`
	Path          string   `yaml:"path"`
	URL           string   `yaml:"url"`
	Headers       []string `yaml:"headers"`        // http: "Name: value" lines added to each POST
	Stream        string   `yaml:"stream"`         // redis_stream: default "seqgate:analytics"
	MaxLen        int64    `yaml:"max_len"`        // redis_stream: approximate cap (MAXLEN ~), default 100000
	BatchSize     int      `yaml:"batch_size"`     // http, redis_stream: default 100
	FlushInterval Duration `yaml:"flush_interval"` // default 1s
	Timeout       Duration `yaml:"timeout"`        // http: default 5s
}

// Sink types.
const (
	SinkLog         = "log"
	SinkFile        = "file"
	SinkHTTP        = "http"
	SinkRedisStream = "redis_stream"
)

// Tracing exports OpenTelemetry traces: a span per request and one per
// sequence run, over OTLP/HTTP. Off by default.
type Tracing struct {
	Enabled     bool    `yaml:"enabled"`
	Endpoint    string  `yaml:"endpoint"`     // OTLP/HTTP base URL, default http://127.0.0.1:4318
	SampleRatio float64 `yaml:"sample_ratio"` // default 1 (every request); 0 < r <= 1
	ServiceName string  `yaml:"service_name"` // default seqgate
}

// Cluster names this node: its events and logs carry Node; Group is the
// gateway group it belongs to (extension bundles target groups).
type Cluster struct {
	Node  string `yaml:"node"`  // default the host name
	Group string `yaml:"group"` // default "default"
}

// analyticsDefaults fills analytics, tracing and cluster.
func (c *Config) analyticsDefaults() {
	a := &c.Analytics
	setInt(&a.Buffer, 8192)
	if len(a.Sinks) == 0 {
		a.Sinks = []Sink{{Type: SinkLog}}
	}
	for i := range a.Sinks {
		s := &a.Sinks[i]
		setInt(&s.BatchSize, 100)
		setDur(&s.FlushInterval, Duration(1e9))
		setDur(&s.Timeout, Duration(5e9))
		if s.Type == SinkRedisStream {
			setStr(&s.Stream, "seqgate:analytics")
			if s.MaxLen == 0 {
				s.MaxLen = 100000
			}
		}
	}
	t := &c.Tracing
	setStr(&t.Endpoint, "http://127.0.0.1:4318")
	setStr(&t.ServiceName, "seqgate")
	if t.SampleRatio == 0 {
		t.SampleRatio = 1
	}
	setStr(&c.Cluster.Group, "default")
	if c.Cluster.Node == "" {
		c.Cluster.Node, _ = os.Hostname()
	}
}

// validateAnalytics checks analytics, tracing and cluster.
func (c *Config) validateAnalytics(p *problems) {
	a := &c.Analytics
	if a.Buffer <= 0 {
		p.add("analytics.buffer: must be positive")
	}
	for i := range a.Sinks {
		c.validateSink(p, i, &a.Sinks[i])
	}
	t := &c.Tracing
	if t.SampleRatio <= 0 || t.SampleRatio > 1 {
		p.add("tracing.sample_ratio: %v is not in (0, 1]", t.SampleRatio)
	}
	if t.Enabled {
		if err := sinkURL(t.Endpoint); err != nil {
			p.add("tracing.endpoint: %v", err)
		}
		if t.ServiceName == "" {
			p.add("tracing.service_name: empty")
		}
	}
}

func (c *Config) validateSink(p *problems, i int, s *Sink) {
	at := fmt.Sprintf("analytics.sinks[%d] (%s)", i, s.Type)
	switch s.Type {
	case SinkLog:
	case SinkFile:
		if s.Path == "" {
			p.add("%s: path is required (\"-\" is stdout)", at)
		}
	case SinkHTTP:
		if err := sinkURL(s.URL); err != nil {
			p.add("%s: url: %v", at, err)
		}
		for j, h := range s.Headers {
			name, _, ok := strings.Cut(h, ":")
			if name = strings.TrimSpace(name); !ok || name == "" || strings.ContainsAny(name, " \t") {
				p.add("%s: headers[%d]: %q is not \"Name: value\"", at, j, h)
			}
		}
	case SinkRedisStream:
		if c.Redis.Addr == "" {
			p.add("%s: needs the redis section: redis.addr is empty", at)
		}
		if s.Stream == "" {
			p.add("%s: stream: empty", at)
		}
		if s.MaxLen <= 0 {
			p.add("%s: max_len: must be positive", at)
		}
	default:
		p.add("%s: type %q is not log, file, http or redis_stream", at, s.Type)
		return
	}
	if s.BatchSize <= 0 || s.BatchSize > 10000 {
		p.add("%s: batch_size: %d is not in 1..10000", at, s.BatchSize)
	}
	if s.FlushInterval <= 0 {
		p.add("%s: flush_interval: must be positive", at)
	}
	if s.Timeout <= 0 {
		p.add("%s: timeout: must be positive", at)
	}
}

// sinkURL checks an absolute http(s) URL with a host.
func sinkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}
