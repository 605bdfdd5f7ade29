package handoff

import "github.com/prometheus/client_golang/prometheus"

// Outcomes of a task (the outcome label of fifo_handoffs_total).
const (
	// OutcomeCompleted: a transfer completed in the ring.
	OutcomeCompleted = "completed"
	// OutcomeRepatriated: a repatriation sent and dropped its records.
	OutcomeRepatriated = "repatriated"
	// OutcomeError: a batch or the completion failed; a later round
	// retries.
	OutcomeError = "error"
)

// Metrics of handoff.
type Metrics struct {
	// Handoffs counts tasks by outcome.
	Handoffs *prometheus.CounterVec
	// Records counts records (and names) sent and acknowledged.
	Records prometheus.Counter
	// InProgress is 1 while a task runs.
	InProgress prometheus.Gauge
}

// NewMetrics creates the metrics and registers them in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := newMetrics()
	reg.MustRegister(m.Handoffs, m.Records, m.InProgress)
	return m
}

func newMetrics() *Metrics {
	return &Metrics{
		Handoffs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_handoffs_total",
			Help: "Handoff tasks by outcome (completed, repatriated, error).",
		}, []string{"outcome"}),
		Records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_handoff_records_total",
			Help: "Records and unique names handed off and acknowledged by their receiver.",
		}),
		InProgress: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fifo_handoffs_in_progress",
			Help: "Handoff tasks running on this node (0 or 1).",
		}),
	}
}
