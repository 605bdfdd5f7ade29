package replica

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the replicated store.
type Metrics struct {
	// Requests counts coordinated requests by operation (apply, get,
	// delete, fold, claim, release, lookup) and outcome (ok, not_found,
	// unavailable, error).
	Requests *prometheus.CounterVec
	// Seconds measures coordinated requests by operation.
	Seconds *prometheus.HistogramVec
	// ReadRepairs counts replicas sent the merged value by a read.
	ReadRepairs prometheus.Counter
	// HintsStored counts hints this node stored for an unreachable
	// primary.
	HintsStored prometheus.Counter
	// HintsHandedOff counts hints this node delivered to their primary
	// (and dropped).
	HintsHandedOff prometheus.Counter
	// NameCopies counts copies of a name's state sent to replicas, by
	// outcome (ok, error).
	NameCopies *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_replica_requests_total",
			Help: "Requests coordinated over the ring by operation and outcome.",
		}, []string{"op", "outcome"}),
		Seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fifo_replica_coordinator_seconds",
			Help:    "Duration of requests coordinated over the ring, until the caller is answered.",
			Buckets: prometheus.ExponentialBuckets(100e-6, 2, 16),
		}, []string{"op"}),
		ReadRepairs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_replica_read_repairs_total",
			Help: "Replicas sent the merged value of a record by a read that found them stale.",
		}),
		HintsStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_replica_hints_stored_total",
			Help: "Writes stored as hints for an unreachable primary (sloppy quorum).",
		}),
		HintsHandedOff: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_replica_hints_handed_off_total",
			Help: "Hints delivered to their primary and dropped (hinted handoff).",
		}),
		NameCopies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_replica_name_copies_total",
			Help: "Copies of a unique name's state sent by its partition's owner to the other replicas, by outcome.",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.Requests, m.Seconds, m.ReadRepairs, m.HintsStored, m.HintsHandedOff, m.NameCopies)
	return m
}

// done records a coordinated request.
func (m *Metrics) done(op string, start time.Time, outcome string) {
	m.Requests.WithLabelValues(op, outcome).Inc()
	m.Seconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
}
