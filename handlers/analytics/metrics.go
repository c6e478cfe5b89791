package analytics

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the publisher's counters. Their only label is the sink type,
// so cardinality is bounded by the four types whatever the config holds.
type Metrics struct {
	events  *prometheus.CounterVec
	errors  *prometheus.CounterVec
	dropped prometheus.Counter
}

// NewMetrics registers the counters on reg, or binds to the ones a
// previous publisher registered (a rebuilt publisher carries the counts on).
// A nil reg gives unregistered counters, for tests.
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "seqgate_analytics_events_total",
			Help: "Analytics events delivered, by sink type."}, []string{"sink"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "seqgate_analytics_sink_errors_total",
			Help: "Failed sink writes (a failed batch counts once), by sink type."}, []string{"sink"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "seqgate_analytics_dropped_total",
			Help: "Analytics events dropped because the buffer was full."}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.events, err = Register(reg, m.events); err != nil {
		return nil, err
	}
	if m.errors, err = Register(reg, m.errors); err != nil {
		return nil, err
	}
	if m.dropped, err = Register(reg, m.dropped); err != nil {
		return nil, err
	}
	return m, nil
}

// Register adds c to reg, or returns the equal collector already there: a
// config reload builds new handlers on the same registry, and their
// counters must carry on.
func Register[T prometheus.Collector](reg *prometheus.Registry, c T) (T, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if old, ok := are.ExistingCollector.(T); ok {
			return old, nil
		}
	}
	if err != nil {
		return c, fmt.Errorf("register metrics: %w", err)
	}
	return c, nil
}
