package runtime

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/seqgate/seqgate/deploy"
)

// registerMetrics registers the metrics of the runtime rather than of one
// generation: the state of the deployed sequence files and the config
// reloads. Registered once, in New.
func registerMetrics(reg *prometheus.Registry, repo *deploy.Repository) *prometheus.CounterVec {
	reloads := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "seqgate_config_reloads_total",
		Help: "Config reloads (file change, SIGHUP, admin API), by result: ok, or failed (the running config stayed)."},
		[]string{"result"})
	reloads.WithLabelValues("ok").Add(0) // both series exist from the start, so rate() and alerts see a 0
	reloads.WithLabelValues("failed").Add(0)
	reg.MustRegister(reloads, &sequenceStates{repo: repo})
	return reloads
}

// sequenceStates reports each tenant's sequence files by state, read from
// the repository's published status at scrape time (no bookkeeping on the
// deploy path). The states do not overlap: active (the file's current
// content serves), serving_last_good (refused, its last good version still
// serves), refused (refused, nothing of it serves).
type sequenceStates struct{ repo *deploy.Repository }

var sequenceStatesDesc = prometheus.NewDesc("seqgate_sequence_files",
	"Sequence files of each tenant by state: active, serving_last_good (refused; the last good version serves), refused (nothing serves).",
	[]string{"tenant", "state"}, nil)

func (*sequenceStates) Describe(ch chan<- *prometheus.Desc) { ch <- sequenceStatesDesc }

func (s *sequenceStates) Collect(ch chan<- prometheus.Metric) {
	for _, ts := range s.repo.Status() {
		var active, lastGood, refused float64
		for _, f := range ts.Files {
			switch {
			case f.State == deploy.StateActive:
				active++
			case f.ServingLastGood:
				lastGood++
			default:
				refused++
			}
		}
		ch <- prometheus.MustNewConstMetric(sequenceStatesDesc, prometheus.GaugeValue, active, ts.Domain, "active")
		ch <- prometheus.MustNewConstMetric(sequenceStatesDesc, prometheus.GaugeValue, lastGood, ts.Domain, "serving_last_good")
		ch <- prometheus.MustNewConstMetric(sequenceStatesDesc, prometheus.GaugeValue, refused, ts.Domain, "refused")
	}
}
