package console

import (
	"context"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// nodeView is the NodeView of a running node.
type nodeView struct{ n *runtime.Node }

// NewNodeView returns the NodeView of n.
func NewNodeView(n *runtime.Node) NodeView { return nodeView{n: n} }

// Name implements NodeView.
func (v nodeView) Name() string { return v.n.Name() }

// Uptime implements NodeView.
func (v nodeView) Uptime() time.Duration { return v.n.Uptime() }

// Applications implements NodeView.
func (v nodeView) Applications() []supervisors.AppInfo { return supervisors.Running(v.n) }

// Processes implements NodeView.
func (v nodeView) Processes() []runtime.ProcessInfo { return v.n.Processes() }

// Peers implements NodeView.
func (v nodeView) Peers() []string { return v.n.Peers() }

// Trace implements NodeView over runtime's Node.Trace.
func (v nodeView) Trace(ctx context.Context, name string, d time.Duration, max int) ([]runtime.TraceEvent, int64, error) {
	tr, err := v.n.Trace(name, max)
	if err != nil {
		return nil, 0, err
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	var events []runtime.TraceEvent
	var dropped int64
	keep := func(e runtime.TraceEvent) {
		if len(events) < max {
			events = append(events, e)
		} else {
			dropped++
		}
	}
	for done := false; !done; {
		select {
		case e := <-tr.C:
			keep(e)
		case <-timer.C:
			done = true
		case <-ctx.Done():
			done = true
		}
	}
	dropped += tr.Stop()
	for {
		select {
		case e := <-tr.C:
			keep(e)
		default:
			return events, dropped, nil
		}
	}
}
