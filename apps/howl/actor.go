package howl

import (
	"github.com/fifogo/fifo/apps/howl/hub"
	"github.com/fifogo/fifo/internal/runtime"
)

// actor is the howl actor: the endpoint of published events. Each
// incarnation owns a hub; stopping closes it (every connection is told
// "going away") and the handler refuses clients until the next one runs.
type actor struct {
	runtime.Base
	s     *Service
	hub   *hub.Hub
	relay *relay // nil without Options.Peers
}

// Init creates the hub and opens the handler to clients.
func (a *actor) Init(p *runtime.Process) {
	a.hub = a.s.newHub()
	a.s.hub.Store(a.hub)
	if a.s.opts.Peers != nil {
		n := p.Node()
		a.relay = newRelay(n.Name(), func(to runtime.ProcessID, msg any) error { return n.Send(to, msg) }, a.s.opts.Peers, a.s.opts.RelayBuffer,
			func(outcome string) { a.s.m.Relay.WithLabelValues(outcome).Inc() })
	}
}

// HandleMessage fans events out: one published on this node goes to the
// local hub and to every peer's howl; one relayed by a peer goes to the
// local hub only. Publishing only queues frames and relaying only queues
// events, so neither a slow client nor a dead peer holds the actor up.
func (a *actor) HandleMessage(p *runtime.Process, msg any) {
	switch m := msg.(type) {
	case Event:
		if a.publish(p, m) && a.relay != nil {
			a.relay.forward(m)
		}
	case Relayed:
		if a.publish(p, m.event()) {
			a.s.m.Relay.WithLabelValues(relayReceived).Inc()
		}
	default:
		a.Base.HandleMessage(p, msg)
	}
}

// publish hands ev to the local hub; an invalid event is dropped and
// counted.
func (a *actor) publish(p *runtime.Process, ev Event) bool {
	if _, err := a.hub.Publish(ev.hub()); err != nil {
		a.s.m.Events.WithLabelValues("invalid").Inc()
		p.Logger().Warn("invalid event dropped", "channel", ev.Channel, "event", ev.Event, "err", err)
		return false
	}
	a.s.m.Events.WithLabelValues("published").Inc()
	return true
}

// Terminate closes the hub and its connections, and the relay's links.
func (a *actor) Terminate(p *runtime.Process, reason string) {
	a.s.hub.CompareAndSwap(a.hub, nil)
	a.hub.Close()
	if a.relay != nil {
		a.relay.close()
	}
}
