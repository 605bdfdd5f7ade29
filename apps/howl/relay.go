package howl

import (
	"slices"
	"sync"

	"github.com/fifogo/fifo/internal/runtime"
)

// Relayed is an event published on another control node, forwarded by
// that node's howl actor to this one's; registered for the network as
// "howl.Relayed". The receiving actor hands it to its hub and forwards it
// no further, so an event crosses each pair of nodes at most once and
// never loops.
type Relayed struct {
	// Origin is the node the event was published on.
	Origin  string
	Channel string
	Event   string
	ID      string
	Data    []byte
}

func init() {
	runtime.MustRegisterMessage("howl.Relayed", Relayed{})
}

// relayed wraps an event published on origin.
func relayed(origin string, ev Event) Relayed {
	return Relayed{Origin: origin, Channel: ev.Channel, Event: ev.Event, ID: ev.ID, Data: ev.Data}
}

// event unwraps a relayed event.
func (r Relayed) event() Event {
	return Event{Channel: r.Channel, Event: r.Event, ID: r.ID, Data: r.Data}
}

// Outcomes of Metrics.Relay.
const (
	relaySent     = "sent"     // handed to ergo for a peer
	relayFailed   = "failed"   // ergo refused it (peer unknown, not reachable)
	relayDropped  = "dropped"  // the peer's queue was full
	relayReceived = "received" // a peer's event handed to the local hub
)

// relay forwards this node's events to the howl actors of its peers. Each
// peer has a link: a bounded queue and one goroutine sending from it in
// order, so events from one publisher keep their order per peer (ergo
// keeps the order of one connection with NumHandlers 1), and a peer that
// is slow to connect or gone fills only its own queue — the actor never
// waits on the network. A full queue drops the event (events are
// best-effort, as in the original) and counts it.
type relay struct {
	self  string
	send  func(to runtime.ProcessID, msg any) error
	peers Peers
	size  int
	count func(outcome string)

	mu    sync.Mutex
	links map[string]*link
}

// link is the queue of events for one peer.
type link struct {
	q    chan Relayed
	stop chan struct{}
}

// newRelay returns the relay of node self, sending with send (the node's
// Send) and counting outcomes with count.
func newRelay(self string, send func(runtime.ProcessID, any) error, peers Peers, size int, count func(string)) *relay {
	return &relay{self: self, send: send, peers: peers, size: size, count: count, links: map[string]*link{}}
}

// forward queues ev for every current peer and closes the links of nodes
// that are no longer peers. It never blocks.
func (r *relay) forward(ev Event) {
	peers := r.peers.Peers()
	msg := relayed(r.self, ev)
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, l := range r.links {
		if !slices.Contains(peers, name) {
			close(l.stop)
			delete(r.links, name)
		}
	}
	for _, p := range peers {
		if p == r.self {
			continue
		}
		l, ok := r.links[p]
		if !ok {
			l = &link{q: make(chan Relayed, r.size), stop: make(chan struct{})}
			r.links[p] = l
			go r.run(p, l)
		}
		select {
		case l.q <- msg:
		default:
			r.count(relayDropped)
		}
	}
}

// run sends a peer's queued events until the link is closed; what is
// still queued then is dropped.
func (r *relay) run(peer string, l *link) {
	to := runtime.ProcessID{Name: Name, Node: peer}
	for {
		select {
		case <-l.stop:
			return
		case msg := <-l.q:
			select {
			case <-l.stop:
				return
			default:
			}
			if err := r.send(to, msg); err != nil {
				r.count(relayFailed)
				continue
			}
			r.count(relaySent)
		}
	}
}

// close stops every link without waiting for their goroutines: one may
// be inside a connection attempt to a dead peer, which ergo bounds by its
// own timeouts; it ends then.
func (r *relay) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, l := range r.links {
		close(l.stop)
		delete(r.links, name)
	}
}
