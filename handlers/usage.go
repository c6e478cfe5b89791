package handlers

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/analytics"
)

// Usage records every finished request: an analytics event (response or
// fault, unless usage.events is false; see analytics/SCHEMA.md) handed to
// the publisher, which never blocks, and Prometheus metrics. Labels are
// tenant, API and status class only, so cardinality is bounded by the
// config; the label-bound children are resolved once per API at start, so
// Complete does not hash label values per request.
type Usage struct {
	pub           *analytics.Publisher // nil when events are off
	node          string
	requestEvents bool
	byAPI         map[*config.API]*apiMetrics
	unmatched     *apiMetrics
	// Faults, when set, keeps the last failed requests (faultlog.go);
	// UsageOptions.Faults.
	Faults *FaultLog
}

// unmatchedAPI labels requests that reached the chain without an API.
const unmatchedAPI = "_unmatched_"

type apiMetrics struct {
	tenant, api string
	requests    [6]prometheus.Counter // by status class: 0 other, 1xx..5xx
	total       prometheus.Observer
	backend     prometheus.Observer
	mediation   prometheus.Observer
}

// UsageOptions are what outlives one config generation: the caller owns them.
type UsageOptions struct {
	Publisher *analytics.Publisher // events go there; nil: none
	Registry  *prometheus.Registry // the metrics are registered (or rebound) there
	Faults    *FaultLog            // keeps the last failed requests; nil: none
}

// NewUsage registers the metrics on opts.Registry and binds their children
// per API.
func NewUsage(cfg *config.Config, opts UsageOptions) (*Usage, error) {
	pub, reg := opts.Publisher, opts.Registry
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "seqgate_requests_total", Help: "Requests served, by tenant, API and status class.",
	}, []string{"tenant", "api", "status"})
	hist := func(name, help string, buckets []float64) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets},
			[]string{"tenant", "api"})
	}
	total := hist("seqgate_request_duration_seconds", "Whole request time in the gateway, backend included.", RequestBuckets)
	backend := hist("seqgate_backend_duration_seconds", "Time waiting for the backend, for requests that called one.", BackendBuckets)
	mediation := hist("seqgate_mediation_duration_seconds", "Time spent running extension sequences, for requests that ran one.", MediationBuckets)
	// A config reload builds a new Usage on the same registry: it binds to
	// the collectors already registered, so counters carry on.
	var err error
	if requests, err = analytics.Register(reg, requests); err != nil {
		return nil, err
	}
	for _, h := range []**prometheus.HistogramVec{&total, &backend, &mediation} {
		if *h, err = analytics.Register(reg, *h); err != nil {
			return nil, err
		}
	}
	bind := func(tenant, api string) *apiMetrics {
		m := &apiMetrics{tenant: tenant, api: api, total: total.WithLabelValues(tenant, api),
			backend: backend.WithLabelValues(tenant, api), mediation: mediation.WithLabelValues(tenant, api)}
		for i, class := range statusClasses {
			m.requests[i] = requests.WithLabelValues(tenant, api, class)
		}
		return m
	}
	u := &Usage{byAPI: map[*config.API]*apiMetrics{}, unmatched: bind("", unmatchedAPI), node: cfg.Cluster.Node, Faults: opts.Faults}
	for i := range cfg.APIs {
		a := &cfg.APIs[i]
		u.byAPI[a] = bind(a.Tenant, a.SynapseName())
	}
	if cfg.Usage.EventsEnabled() && pub != nil {
		u.pub, u.requestEvents = pub, cfg.Analytics.RequestEvents
	}
	return u, nil
}

// Histogram buckets, in seconds. Prometheus's defaults (5 ms to 10 s) put
// every mediation (tens of microseconds) and every answer the gateway
// gives itself into the first bucket; these start where each measure
// starts. A change of buckets is a new series layout: keep them stable.
var (
	// MediationBuckets: 5 µs to 100 ms (a sequence run; a slow script or
	// <call> reaches the top ones).
	MediationBuckets = []float64{5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3}
	// BackendBuckets: 500 µs (a loopback backend) to 60 s (timeouts.backend's default).
	BackendBuckets = []float64{500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1, 2.5, 5, 10, 30, 60}
	// RequestBuckets: 50 µs (an answer from the gateway itself: 404, 401,
	// 429, <respond/>) to 60 s.
	RequestBuckets = []float64{50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1, 2.5, 5, 10, 30, 60}
)

var statusClasses = [6]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

// Name implements Handler.
func (*Usage) Name() string { return "usage" }

// HandleRequest implements Handler: with analytics.request_events it
// publishes the request event of a request that passed auth and
// throttling (the usage handler's place in the chain).
func (u *Usage) HandleRequest(ex *Exchange) bool {
	if u.requestEvents && u.pub != nil && !ex.MC.DryRun() {
		var ev analytics.Event
		u.fill(&ev, ex, u.metricsFor(ex))
		ev.Type = analytics.TypeRequest
		ev.Time = ex.Timing.Start
		u.pub.Publish(&ev)
	}
	return true
}

// HandleResponse implements Handler.
func (*Usage) HandleResponse(*Exchange) bool { return true }

// Complete records the finished request.
func (u *Usage) Complete(ex *Exchange) {
	if ex.MC.DryRun() { // an admin dry-run is not traffic: no metrics, no event
		return
	}
	m := u.metricsFor(ex)
	status := ex.MC.Resp.StatusCode()
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	total := time.Since(ex.Timing.Start)
	m.requests[class].Inc()
	m.total.Observe(total.Seconds())
	// A request that never reached a backend (answered by the gateway: 404,
	// 401, 429, <respond/>) or ran no sequence has nothing to observe: a 0
	// there would pull the distribution down and count requests that did
	// not happen (a measured call always takes more than 0 ns).
	if ex.Timing.Backend > 0 {
		m.backend.Observe(ex.Timing.Backend.Seconds())
	}
	if ex.Timing.Mediation > 0 {
		m.mediation.Observe(ex.Timing.Mediation.Seconds())
	}
	u.recordFault(ex, status, m)
	if u.pub != nil {
		var ev analytics.Event
		u.fill(&ev, ex, m)
		u.finish(&ev, ex, status, total)
		u.pub.Publish(&ev)
	}
}

func (u *Usage) metricsFor(ex *Exchange) *apiMetrics {
	if ex.Match.API != nil {
		if bound := u.byAPI[ex.Match.API.Cfg]; bound != nil {
			return bound
		}
	}
	return u.unmatched
}
