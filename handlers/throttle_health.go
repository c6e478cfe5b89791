package handlers

import (
	"fmt"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// StoreHealth follows whether the throttle store answers. It outlives
// config generations (one per process), so a store that went down is
// logged once when it goes and once when it is back, never per request;
// seqgate_throttle_store_errors_total counts every failed call and
// seqgate_throttle_store_up is 0 while it is down.
type StoreHealth struct {
	log    *zap.Logger
	errors prometheus.Counter
	up     prometheus.Gauge
	down   atomic.Bool
}

// NewStoreHealth registers the metrics on reg (once per process).
func NewStoreHealth(log *zap.Logger, reg prometheus.Registerer) (*StoreHealth, error) {
	h := &StoreHealth{log: log,
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "seqgate_throttle_store_errors_total",
			Help: "Throttle store calls that failed (the request then went as throttling.on_store_error says)."}),
		up: prometheus.NewGauge(prometheus.GaugeOpts{Name: "seqgate_throttle_store_up",
			Help: "1 while the throttle store answers, 0 from its first failure until it answers again."}),
	}
	for _, c := range []prometheus.Collector{h.errors, h.up} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("throttle: register metrics: %w", err)
		}
	}
	h.up.Set(1)
	return h, nil
}

// failed counts a failed call and logs the first of a run of them.
func (h *StoreHealth) failed(err error, store string, closed bool) {
	if h == nil {
		return
	}
	h.errors.Inc()
	if h.down.CompareAndSwap(false, true) {
		h.up.Set(0)
		then := "open: requests pass unthrottled until it is back"
		if closed {
			then = "closed: requests get 503 until it is back"
		}
		h.log.Warn("throttle store unreachable", zap.String("store", store),
			zap.String("on_store_error", then), zap.Error(err))
	}
}

// ok notes a call that worked; after a failure it logs the recovery.
func (h *StoreHealth) ok(store string) {
	if h != nil && h.down.Load() && h.down.CompareAndSwap(true, false) {
		h.up.Set(1)
		h.log.Info("throttle store is back", zap.String("store", store))
	}
}

// Up reports whether the last call to the store worked.
func (h *StoreHealth) Up() bool { return !h.down.Load() }
