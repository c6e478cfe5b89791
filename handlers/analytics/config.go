package analytics

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
)

// Deps is what the sinks of a config use from the server.
type Deps struct {
	Log      *zap.Logger // the log sink writes on Log.Named("usage"); failures are logged here
	Redis    *redis.Client
	Registry *prometheus.Registry
	Dir      string // relative file sink paths are relative to it (the config's folder)
}

// FromConfig starts a publisher with the sinks of a (validated) analytics
// section. On error nothing is left open.
func FromConfig(a config.Analytics, d Deps) (*Publisher, error) {
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	m, err := NewMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	var targets []Target
	for i, sc := range a.Sinks {
		s, err := newSink(sc, d)
		if err != nil {
			for _, t := range targets {
				_ = t.Sink.Close()
			}
			return nil, fmt.Errorf("analytics.sinks[%d] (%s): %w", i, sc.Type, err)
		}
		targets = append(targets, Target{Sink: s, FlushInterval: sc.FlushInterval.D()})
	}
	return New(Options{Buffer: a.Buffer, Targets: targets, Metrics: m, Log: d.Log}), nil
}

func newSink(sc config.Sink, d Deps) (Sink, error) {
	switch sc.Type {
	case config.SinkLog:
		return NewLogSink(d.Log.Named("usage")), nil
	case config.SinkFile:
		path := sc.Path
		if path != "-" && !filepath.IsAbs(path) && d.Dir != "" {
			path = filepath.Join(d.Dir, path)
		}
		return NewFileSink(path)
	case config.SinkHTTP:
		h, err := ParseHeaders(sc.Headers)
		if err != nil {
			return nil, err
		}
		return NewHTTPSink(sc.URL, h, sc.BatchSize, sc.Timeout.D()), nil
	case config.SinkRedisStream:
		if d.Redis == nil {
			return nil, errors.New("needs the redis section (redis.addr is empty)")
		}
		return NewRedisStreamSink(d.Redis, sc.Stream, sc.MaxLen, sc.BatchSize), nil
	}
	return nil, fmt.Errorf("unknown sink type %q", sc.Type)
}

// ParseHeaders reads "Name: value" lines.
func ParseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("header %q is not \"Name: value\"", l)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}
