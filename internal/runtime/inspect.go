package runtime

import (
	"sort"
	"time"

	"github.com/ergo-services/ergo/gen"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// ProcessInfo describes one process of a node for operators (the console's
// procs command). It is a snapshot: the process may be gone already.
type ProcessInfo struct {
	// PID is the process id as ergo prints it.
	PID string
	// Name is the registered name; "" for an unnamed process.
	Name string
	// Kind is "actor" for the actors of this package, "supervisor",
	// "application", or "process" for anything else.
	Kind string
	// Mailbox counts the messages waiting in the mailbox.
	Mailbox int
	// Links and MonitoredBy count the process's links and monitors.
	Links       int
	MonitoredBy int
	// Restarts counts the starts of a named actor after its first one,
	// from the node's metrics (zero for other kinds).
	Restarts int
}

// Processes lists the node's processes, ordered by PID.
func (n *Node) Processes() []ProcessInfo {
	procs := n.ergo.ProcessList()
	out := make([]ProcessInfo, 0, len(procs))
	for _, p := range procs {
		info := p.Info()
		if info.PID.ID == 0 { // stopped meanwhile
			continue
		}
		pi := ProcessInfo{
			PID:         info.PID.String(),
			Name:        info.Name,
			Kind:        kindOf(p.Behavior()),
			Mailbox:     info.MessageQueueLen,
			Links:       len(info.Links),
			MonitoredBy: len(info.MonitoredBy),
		}
		if pi.Kind == "actor" && pi.Name != "" {
			if s := counterValue(n.metrics.Starts, pi.Name); s > 1 {
				pi.Restarts = int(s) - 1
			}
		}
		out = append(out, pi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// kindOf names the behaviour of a process.
func kindOf(b gen.ProcessBehavior) string {
	switch b.(type) {
	case *server:
		return "actor"
	case gen.SupervisorBehavior:
		return "supervisor"
	case gen.ApplicationBehavior:
		return "application"
	}
	return "process"
}

// counterValue reads one series of a counter vector.
func counterValue(c *prometheus.CounterVec, label string) float64 {
	var m dto.Metric
	if err := c.WithLabelValues(label).Write(&m); err != nil {
		return 0
	}
	return m.GetCounter().GetValue()
}

// Uptime returns how long the node has been running.
func (n *Node) Uptime() time.Duration { return time.Since(n.started) }
