package aae

import "github.com/prometheus/client_golang/prometheus"

// Outcomes of an exchange (the outcome label).
const (
	// OutcomeEqual: the trees were equal.
	OutcomeEqual = "equal"
	// OutcomeRepaired: keys differed and were repaired.
	OutcomeRepaired = "repaired"
	// OutcomeNotReady: a tree was not built yet.
	OutcomeNotReady = "not_ready"
	// OutcomeError: a message failed or timed out; the next round retries.
	OutcomeError = "error"
)

// Metrics of anti-entropy.
type Metrics struct {
	// Exchanges counts exchanges by outcome.
	Exchanges *prometheus.CounterVec
	// Repairs counts keys repaired.
	Repairs prometheus.Counter
	// Duration measures exchanges, walk and repairs.
	Duration prometheus.Histogram
	// Builds counts tree builds.
	Builds prometheus.Counter
}

// NewMetrics creates the metrics and registers them in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := newMetrics()
	reg.MustRegister(m.Exchanges, m.Repairs, m.Duration, m.Builds)
	return m
}

func newMetrics() *Metrics {
	return &Metrics{
		Exchanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_aae_exchanges_total",
			Help: "Anti-entropy exchanges by outcome (equal, repaired, not_ready, error).",
		}, []string{"outcome"}),
		Repairs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_aae_repairs_total",
			Help: "Keys repaired by anti-entropy exchanges.",
		}),
		Duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fifo_aae_exchange_seconds",
			Help:    "Duration of anti-entropy exchanges, walk and repairs.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}),
		Builds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_aae_tree_builds_total",
			Help: "Anti-entropy hash trees built from a partition scan.",
		}),
	}
}
