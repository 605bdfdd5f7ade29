package hub

import (
	"sync"
	"sync/atomic"
)

// Reason says why a subscriber was disconnected.
type Reason string

// Reasons a subscriber ends. The first two are the hub's decision and are
// reported to Options.OnDrop.
const (
	// ReasonSlowConsumer: its queue of outbound frames was full.
	ReasonSlowConsumer Reason = "slow_consumer"
	// ReasonShutdown: the hub closed.
	ReasonShutdown Reason = "shutdown"
	// ReasonDetached: its connection ended (Detach).
	ReasonDetached Reason = "detached"
)

// Sub is one subscriber: a websocket connection as the hub sees it. Its
// connection writes the frames of Out until Done closes.
type Sub struct {
	hub    *Hub
	enc    Encoding
	out    chan []byte
	done   chan struct{}
	onDone func(Reason)

	once   sync.Once
	dead   atomic.Bool
	reason Reason // set before done closes

	// channels joined; guarded by hub.mu.
	channels map[string]struct{}
}

// Encoding returns the encoding of the subscriber's frames.
func (s *Sub) Encoding() Encoding { return s.enc }

// Out delivers the frames to write, in order. It is never closed: stop
// reading when Done closes.
func (s *Sub) Out() <-chan []byte { return s.out }

// Done is closed when the subscriber is disconnected; Reason says why.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Reason returns why the subscriber ended; "" while it is connected.
func (s *Sub) Reason() Reason {
	select {
	case <-s.done:
		return s.reason
	default:
		return ""
	}
}

// Send queues a frame (a reply) after everything queued before. It never
// blocks: when the queue is full the subscriber is disconnected as a slow
// consumer and Send reports false.
func (s *Sub) Send(frame []byte) bool {
	if s.dead.Load() {
		return false
	}
	select {
	case s.out <- frame:
		return true
	default:
		s.hub.drop(s, ReasonSlowConsumer)
		return false
	}
}

// end marks the subscriber dead with reason; only the first call counts.
func (s *Sub) end(r Reason) bool {
	first := false
	s.once.Do(func() {
		first = true
		s.reason = r
		s.dead.Store(true)
		close(s.done)
	})
	return first
}
