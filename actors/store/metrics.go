package store

import "github.com/prometheus/client_golang/prometheus"

// Metrics of the store.
type Metrics struct {
	// Writes counts write requests by op and outcome (ok, error, refused).
	Writes *prometheus.CounterVec
	// CommitSeconds measures synced batch commits.
	CommitSeconds prometheus.Histogram
	// BatchWrites measures how many writes one commit carried.
	BatchWrites prometheus.Histogram
	// Quarantined counts records moved aside because they failed to decode.
	Quarantined prometheus.Counter
}

// NewMetrics creates the store metrics and registers them in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_store_writes_total",
			Help: "Store write requests by operation and outcome.",
		}, []string{"op", "outcome"}),
		CommitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fifo_store_commit_seconds",
			Help:    "Duration of synced vnode batch commits.",
			Buckets: prometheus.ExponentialBuckets(50e-6, 2, 14),
		}),
		BatchWrites: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fifo_store_commit_writes",
			Help:    "Writes carried by one vnode batch commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
		Quarantined: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_store_quarantined_total",
			Help: "Records quarantined because they failed to decode.",
		}),
	}
	reg.MustRegister(m.Writes, m.CommitSeconds, m.BatchWrites, m.Quarantined)
	return m
}
