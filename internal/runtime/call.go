package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"
)

// DefaultCallTimeout applies to Node.Call when the context has no deadline.
const DefaultCallTimeout = 5 * time.Second

// Call sends req to an actor (a local name, a ProcessID, or a pid) and
// waits for its answer. It is for plain Go code: HTTP handlers, the CLI,
// tests. It always returns: with the reply, the handler's error, or
// ErrTimeout, ErrNoProc, ErrStopped, ErrActorPanic, ErrBusy, ErrNodeDown.
//
// Local actors are called through ergo's Direct path; remote ones through
// the node's gateway actor, which monitors the callee. The context's
// deadline (DefaultCallTimeout without one) bounds the whole call.
func (n *Node) Call(ctx context.Context, to any, req any) (any, error) {
	v, err := n.call(ctx, to, req)
	if err != nil {
		n.metrics.CallErrors.WithLabelValues(reasonLabel(err)).Inc()
	}
	return v, err
}

func (n *Node) call(ctx context.Context, to any, req any) (any, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultCallTimeout)
	}
	timeout := time.Until(deadline)
	if timeout <= 0 {
		return nil, ErrTimeout
	}
	target := n.gateway
	if n.remote(to) {
		req = gatewayCall{to: to, req: req, timeout: timeout}
	} else if target = n.localProcess(to); target == nil {
		return nil, fmt.Errorf("call %v: %w", to, ErrNoProc)
	}
	ch := make(chan directResult, 1)
	// Direct delivers the request; it returns once the handler has run.
	if err := n.deliver(target, directCall{req: req, ch: ch}, timeout); err != nil {
		// ergo's waiter may take the stop of a process that answered just
		// before stopping (a panicking handler): the answer wins.
		select {
		case r := <-ch:
			return r.v, r.err
		default:
		}
		return nil, fmt.Errorf("call %v: %w", to, err)
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("call %v: %w", to, ErrTimeout)
	case <-timer.C:
		return nil, fmt.Errorf("call %v: %w", to, ErrTimeout)
	}
}

// deliver hands one Direct request to p, waiting at most timeout (rounded
// up to whole seconds, ergo's unit) for the handler to take it. The answer
// comes on the request's own channel, not from here.
func (n *Node) deliver(p gen.Process, msg any, timeout time.Duration) error {
	secs := int((timeout + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	if _, err := p.DirectWithTimeout(msg, secs); err != nil {
		return mapErgoError(err)
	}
	return nil
}

// localProcess resolves a local address.
func (n *Node) localProcess(to any) gen.Process {
	switch t := to.(type) {
	case string:
		return n.ergo.ProcessByName(t)
	case ProcessID:
		return n.ergo.ProcessByName(t.Name)
	case gen.ProcessID:
		return n.ergo.ProcessByName(t.Name)
	case etf.Pid:
		return n.ergo.ProcessByPid(t)
	}
	return nil
}
