package main

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// registerBuildInfo registers seqgate_build_info, the metric of the binary
// (the runtime registers the config reloads and the sequence file states).
func registerBuildInfo(reg *prometheus.Registry) {
	rev, _, dirty := buildStamp()
	if dirty != "" {
		rev += "-dirty"
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{Name: "seqgate_build_info",
		Help:        "Always 1; the labels say which binary runs.",
		ConstLabels: prometheus.Labels{"version": version, "commit": rev, "goversion": runtime.Version()}})
	info.Set(1)
	reg.MustRegister(info)
}
