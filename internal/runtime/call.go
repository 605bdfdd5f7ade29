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
// the node's gateway actor, which monitors the callee. ergo counts
// timeouts in whole seconds, so the context's deadline is rounded up to
// the next second.
func (n *Node) Call(ctx context.Context, to any, req any) (any, error) {
	timeout := DefaultCallTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
		if timeout <= 0 {
			return nil, ErrTimeout
		}
	}
	var (
		v   any
		err error
	)
	if n.remote(to) {
		v, err = n.direct(n.gateway, directCall{req: gatewayCall{to: to, req: req, timeout: timeout}}, timeout)
	} else {
		p := n.localProcess(to)
		if p == nil {
			err = fmt.Errorf("call %v: %w", to, ErrNoProc)
		} else {
			v, err = n.direct(p, directCall{req: req}, timeout)
		}
	}
	if err != nil {
		n.metrics.CallErrors.WithLabelValues(reasonLabel(err)).Inc()
	}
	return v, err
}

// direct runs one Direct request with a timeout in whole seconds.
func (n *Node) direct(p gen.Process, msg any, timeout time.Duration) (any, error) {
	secs := int((timeout + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	v, err := p.DirectWithTimeout(msg, secs)
	if err != nil {
		return nil, mapErgoError(err)
	}
	return v, nil
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
