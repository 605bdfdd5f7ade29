package howl

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of howl.
type Metrics struct {
	// Connections is the number of open websocket connections.
	Connections prometheus.Gauge
	// Events counts events the howl actor received, by outcome
	// (published, invalid).
	Events *prometheus.CounterVec
	// Deliveries counts event frames queued to subscribers (one per
	// subscriber per event).
	Deliveries prometheus.Counter
	// Dropped counts connections the server closed, by reason
	// (slow_consumer, shutdown, write_timeout).
	Dropped *prometheus.CounterVec
	// Rejected counts connection attempts refused before the upgrade, by
	// reason (ott_missing, ott_invalid, auth_unavailable, not_running,
	// handshake).
	Rejected *prometheus.CounterVec
	// Relay counts the cluster fan-out of events, by outcome: sent (an
	// event of this node handed to ergo for a peer), failed (ergo
	// refused it: the peer is unknown or unreachable), dropped (the
	// peer's queue was full), received (a peer's event delivered to the
	// local hub). Delivery between nodes is best-effort: a sent event can
	// still be lost with its connection.
	Relay *prometheus.CounterVec
}

// NewMetrics creates howl's metrics and registers them in reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fifo_howl_connections",
			Help: "Open websocket connections.",
		}),
		Events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_howl_events_total",
			Help: "Events received by the howl actor, by outcome.",
		}, []string{"outcome"}),
		Deliveries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_howl_deliveries_total",
			Help: "Event frames queued to websocket subscribers (one per subscriber per event).",
		}),
		Dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_howl_dropped_connections_total",
			Help: "Websocket connections closed by the server, by reason.",
		}, []string{"reason"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_howl_rejected_connections_total",
			Help: "Websocket connection attempts refused before the upgrade, by reason.",
		}, []string{"reason"}),
		Relay: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_howl_relay_events_total",
			Help: "Events relayed between the howl actors of control nodes, by outcome.",
		}, []string{"outcome"}),
	}
	for _, c := range []prometheus.Collector{m.Connections, m.Events, m.Deliveries, m.Dropped, m.Rejected, m.Relay} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("howl metrics: %w", err)
		}
	}
	return m, nil
}
