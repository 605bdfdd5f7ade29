package chunter

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the agents of a node.
type Metrics struct {
	// Commands counts commands served, by command and code ("ok" for
	// success).
	Commands *prometheus.CounterVec
	// CommandSeconds measures commands on the driver, by command.
	CommandSeconds *prometheus.HistogramVec
	// Registrations counts attempts to open a session with a control
	// node, by outcome (ok, failed).
	Registrations *prometheus.CounterVec
	// Heartbeats counts heartbeats, by outcome (ok, failed, reregister).
	Heartbeats *prometheus.CounterVec
	// StateChanges counts VM state changes, by outcome (sent, queued,
	// dropped while no session was open).
	StateChanges *prometheus.CounterVec
	// Registered is the number of agents with an open session.
	Registered prometheus.Gauge
	// Waiting is the number of commands waiting behind another command
	// on the same VM.
	Waiting prometheus.Gauge
}

// NewMetrics creates the agents' metrics and registers them in reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_chunter_commands_total",
			Help: "Commands served by hypervisor agents, by command and error code.",
		}, []string{"command", "code"}),
		CommandSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fifo_chunter_command_duration_seconds",
			Help:    "Time commands spent on the hypervisor driver.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"command"}),
		Registrations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_chunter_registrations_total",
			Help: "Attempts to open a session with a control node, by outcome.",
		}, []string{"outcome"}),
		Heartbeats: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_chunter_heartbeats_total",
			Help: "Heartbeats sent to the control node, by outcome.",
		}, []string{"outcome"}),
		StateChanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_chunter_state_changes_total",
			Help: "VM state changes seen by agents, by outcome.",
		}, []string{"outcome"}),
		Registered: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fifo_chunter_registered_agents",
			Help: "Hypervisor agents with an open session with a control node.",
		}),
		Waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fifo_chunter_commands_waiting",
			Help: "Commands waiting behind another command on the same VM.",
		}),
	}
	for _, c := range []prometheus.Collector{m.Commands, m.CommandSeconds, m.Registrations, m.Heartbeats, m.StateChanges, m.Registered, m.Waiting} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("chunter metrics: %w", err)
		}
	}
	return m, nil
}
