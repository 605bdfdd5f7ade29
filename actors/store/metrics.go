package store

import "github.com/prometheus/client_golang/prometheus"

// Metrics of the store.
type Metrics struct {
	// Writes counts write requests by op and outcome (ok, error, refused).
	Writes *prometheus.CounterVec
	// SyncSeconds measures the WAL syncs that make writes durable.
	SyncSeconds prometheus.Histogram
	// SyncWrites measures how many writes one WAL sync acknowledged.
	SyncWrites prometheus.Histogram
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
		SyncSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fifo_store_wal_sync_seconds",
			Help:    "Duration of the WAL syncs that make store writes durable.",
			Buckets: prometheus.ExponentialBuckets(50e-6, 2, 14),
		}),
		SyncWrites: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fifo_store_wal_sync_writes",
			Help:    "Writes acknowledged by one WAL sync (group commit size).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
		Quarantined: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_store_quarantined_total",
			Help: "Records quarantined because they failed to decode.",
		}),
	}
	reg.MustRegister(m.Writes, m.SyncSeconds, m.SyncWrites, m.Quarantined)
	return m
}
