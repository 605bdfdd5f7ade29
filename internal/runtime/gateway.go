package runtime

import (
	"fmt"
	"time"

	"github.com/ergo-services/ergo/etf"
)

// gatewayName is the registered name of each node's gateway actor.
const gatewayName = "fifo_gateway"

// gatewayCall asks the gateway to call a remote actor on behalf of plain Go.
type gatewayCall struct {
	to      any
	req     any
	timeout time.Duration
}

// gateway turns Direct calls from plain Go into monitored Requests to
// actors on other nodes. It never blocks: each call is a deferred reply
// answered when the Response, the monitor's Down or the timeout arrives.
type gateway struct {
	Base
	waiting map[etf.Ref]From
}

func (g *gateway) Init(*Process) { g.waiting = map[etf.Ref]From{} }

func (g *gateway) HandleCall(p *Process, from From, req any) (any, error) {
	c, ok := req.(gatewayCall)
	if !ok {
		return nil, fmt.Errorf("%w: gateway %T", ErrUnsupported, req)
	}
	ref, err := p.Request(c.to, c.req, c.timeout)
	if err != nil {
		return nil, err
	}
	g.waiting[ref] = from
	return nil, Deferred
}

func (g *gateway) HandleMessage(p *Process, msg any) {
	r, ok := msg.(Reply)
	if !ok {
		return
	}
	from, ok := g.waiting[r.Ref]
	if !ok {
		return
	}
	delete(g.waiting, r.Ref)
	p.Reply(from, r.Value, r.Err)
}
