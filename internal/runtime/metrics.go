package runtime

import (
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the runtime's Prometheus metrics. One value serves one node
// (and the log bridge of its OS process).
type Metrics struct {
	// MailboxDrops counts messages ergo dropped because a mailbox (or a
	// server's deferred buffer) was full, by actor name.
	MailboxDrops *prometheus.CounterVec
	// Panics counts handler panics, by actor name.
	Panics *prometheus.CounterVec
	// Starts counts actor (re)starts, by actor name.
	Starts *prometheus.CounterVec
	// CallErrors counts failed calls from plain Go and between actors, by
	// reason (timeout, noproc, stopped, panic, busy, nodedown).
	CallErrors *prometheus.CounterVec
	// ErgoWarnings counts warning lines ergo logged.
	ErgoWarnings prometheus.Counter

	mu    sync.Mutex
	nodes []*Node
}

// NewMetrics creates the runtime metrics and registers them (and a
// collector of process counts and mailbox lengths of the nodes later
// started with them) in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		MailboxDrops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_runtime_mailbox_drops_total",
			Help: "Messages dropped because the receiving mailbox was full.",
		}, []string{"actor"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_runtime_actor_panics_total",
			Help: "Actor handler panics.",
		}, []string{"actor"}),
		Starts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_runtime_actor_starts_total",
			Help: "Actor starts, restarts included.",
		}, []string{"actor"}),
		CallErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_runtime_call_errors_total",
			Help: "Calls that ended without a reply from the callee's handler.",
		}, []string{"reason"}),
		ErgoWarnings: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fifo_runtime_ergo_warnings_total",
			Help: "Warnings logged by the ergo framework.",
		}),
	}
	reg.MustRegister(m.MailboxDrops, m.Panics, m.Starts, m.CallErrors, m.ErgoWarnings, &processCollector{m: m})
	return m
}

func (m *Metrics) watch(n *Node) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nodes = append(m.nodes, n)
}

// watched returns the running nodes and forgets the stopped ones.
func (m *Metrics) watched() []*Node {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nodes = slices.DeleteFunc(m.nodes, func(n *Node) bool { return !n.Alive() })
	return slices.Clone(m.nodes)
}

// processCollector reports process counts and mailbox lengths at scrape
// time.
type processCollector struct{ m *Metrics }

var (
	processesDesc = prometheus.NewDesc("fifo_runtime_processes",
		"Processes running on the node.", []string{"node"}, nil)
	mailboxDesc = prometheus.NewDesc("fifo_runtime_mailbox_messages",
		"Messages waiting in the mailbox of a registered process.", []string{"node", "actor"}, nil)
)

// Describe implements prometheus.Collector.
func (c *processCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- processesDesc
	ch <- mailboxDesc
}

// Collect implements prometheus.Collector.
func (c *processCollector) Collect(ch chan<- prometheus.Metric) {
	for _, n := range c.m.watched() {
		procs := n.ergo.ProcessList()
		ch <- prometheus.MustNewConstMetric(processesDesc, prometheus.GaugeValue, float64(len(procs)), n.Name())
		for _, p := range procs {
			name := p.Name()
			if name == "" {
				continue
			}
			ch <- prometheus.MustNewConstMetric(mailboxDesc, prometheus.GaugeValue,
				float64(p.Info().MessageQueueLen), n.Name(), name)
		}
	}
}
