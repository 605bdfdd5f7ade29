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
	s   *Service
	hub *hub.Hub
}

// Init creates the hub and opens the handler to clients.
func (a *actor) Init(p *runtime.Process) {
	a.hub = a.s.newHub()
	a.s.hub.Store(a.hub)
}

// HandleMessage fans published events out. Publishing only queues frames,
// so a slow client never holds the actor up.
func (a *actor) HandleMessage(p *runtime.Process, msg any) {
	ev, ok := msg.(Event)
	if !ok {
		a.Base.HandleMessage(p, msg)
		return
	}
	if _, err := a.hub.Publish(ev.hub()); err != nil {
		a.s.m.Events.WithLabelValues("invalid").Inc()
		p.Logger().Warn("invalid event dropped", "channel", ev.Channel, "event", ev.Event, "err", err)
		return
	}
	a.s.m.Events.WithLabelValues("published").Inc()
}

// Terminate closes the hub and its connections.
func (a *actor) Terminate(p *runtime.Process, reason string) {
	a.s.hub.CompareAndSwap(a.hub, nil)
	a.hub.Close()
}
