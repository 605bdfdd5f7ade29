package ops

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fifogo/fifo/internal/version"
)

// NewRegistry returns a fresh registry holding the Go runtime and process
// collectors (go_*, process_*) and the constant gauge
// fifo_build_info{version,commit,goversion} 1 describing info.
func NewRegistry(info version.Info) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(info),
	)
	return reg
}

// buildInfo returns the fifo_build_info gauge, set to 1.
func buildInfo(info version.Info) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "fifo_build_info",
		Help: "Build of the running fifo binary; the value is always 1.",
		ConstLabels: prometheus.Labels{
			"version":   info.Version,
			"commit":    info.Commit,
			"goversion": info.GoVersion,
		},
	})
	g.Set(1)
	return g
}
