package hub

import (
	"errors"
	"fmt"
	"sync"
)

// DefaultBufferSize is the default bound of a subscriber's queue.
const DefaultBufferSize = 256

// DefaultMaxChannels is the default number of channels one subscriber may
// join.
const DefaultMaxChannels = 1024

// Errors of the hub. Test with errors.Is.
var (
	// ErrClosed: the hub is closed.
	ErrClosed = errors.New("hub: closed")
	// ErrGone: the subscriber was disconnected.
	ErrGone = errors.New("hub: subscriber disconnected")
	// ErrTooManyChannels: the subscriber joined MaxChannels channels.
	ErrTooManyChannels = errors.New("hub: too many channels")
)

// Options configure a Hub. The zero value is usable.
type Options struct {
	// BufferSize bounds each subscriber's queue of outbound frames.
	// Default DefaultBufferSize.
	BufferSize int
	// MaxChannels bounds the channels one subscriber may join. Default
	// DefaultMaxChannels.
	MaxChannels int
	// OnDrop is told of every subscriber the hub disconnects (slow
	// consumer, shutdown), once per subscriber. It must not block.
	OnDrop func(Reason)
	// OnDeliver is told, after each Publish, how many frames it queued.
	// It must not block.
	OnDeliver func(n int)
}

func (o Options) withDefaults() Options {
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}
	if o.MaxChannels <= 0 {
		o.MaxChannels = DefaultMaxChannels
	}
	if o.OnDrop == nil {
		o.OnDrop = func(Reason) {}
	}
	if o.OnDeliver == nil {
		o.OnDeliver = func(int) {}
	}
	return o
}

// Hub maps channels to subscribers and fans events out to them.
type Hub struct {
	opts Options

	mu       sync.RWMutex
	closed   bool
	subs     map[*Sub]struct{}
	channels map[string]map[*Sub]struct{}
}

// New returns an empty hub.
func New(o Options) *Hub {
	return &Hub{
		opts:     o.withDefaults(),
		subs:     map[*Sub]struct{}{},
		channels: map[string]map[*Sub]struct{}{},
	}
}

// Attach adds a subscriber with encoding e, on no channel yet. onDone, if
// not nil, runs once when the subscriber ends (from the goroutine that
// ended it, outside the hub's lock; it must not block).
func (h *Hub) Attach(e Encoding, onDone func(Reason)) (*Sub, error) {
	if e >= numEncodings {
		return nil, fmt.Errorf("hub: attach: unknown encoding %d", e)
	}
	s := &Sub{
		hub:      h,
		enc:      e,
		out:      make(chan []byte, h.opts.BufferSize),
		done:     make(chan struct{}),
		onDone:   onDone,
		channels: map[string]struct{}{},
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	h.subs[s] = struct{}{}
	return s, nil
}

// Detach ends a subscriber whose connection is over; it is not counted
// as a drop. Detaching twice does nothing.
func (h *Hub) Detach(s *Sub) { h.end(s, ReasonDetached) }

// Join subscribes s to channel; joining a channel twice is one join.
func (h *Hub) Join(s *Sub, channel string) error {
	if err := ValidChannel(channel); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.dead.Load() {
		return ErrGone
	}
	if _, ok := s.channels[channel]; ok {
		return nil
	}
	if len(s.channels) >= h.opts.MaxChannels {
		return fmt.Errorf("%w (%d)", ErrTooManyChannels, h.opts.MaxChannels)
	}
	set := h.channels[channel]
	if set == nil {
		set = map[*Sub]struct{}{}
		h.channels[channel] = set
	}
	set[s] = struct{}{}
	s.channels[channel] = struct{}{}
	return nil
}

// Leave unsubscribes s from channel (a channel it did not join is fine).
func (h *Hub) Leave(s *Sub, channel string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.leaveLocked(s, channel)
}

func (h *Hub) leaveLocked(s *Sub, channel string) {
	delete(s.channels, channel)
	set := h.channels[channel]
	delete(set, s)
	if len(set) == 0 {
		delete(h.channels, channel)
	}
}

// Publish queues ev to every subscriber of its channel and returns how
// many frames it queued. Subscribers whose queue is full are disconnected
// as slow consumers. It fails, queueing nothing, for an invalid event.
func (h *Hub) Publish(ev Event) (int, error) {
	if err := ev.Validate(); err != nil {
		return 0, err
	}
	var (
		frames [numEncodings][]byte
		slow   []*Sub
		n      int
		err    error
	)
	h.mu.RLock()
	for s := range h.channels[ev.Channel] {
		f := frames[s.enc]
		if f == nil {
			if f, err = ev.Encode(s.enc); err != nil {
				break
			}
			frames[s.enc] = f
		}
		if s.dead.Load() {
			continue
		}
		select {
		case s.out <- f:
			n++
		default:
			slow = append(slow, s)
		}
	}
	h.mu.RUnlock()
	for _, s := range slow {
		h.drop(s, ReasonSlowConsumer)
	}
	h.opts.OnDeliver(n)
	if err != nil {
		return n, fmt.Errorf("publish %s/%s: %w", ev.Channel, ev.Event, err)
	}
	return n, nil
}

// Close disconnects every subscriber (ReasonShutdown) and refuses new
// ones. Closing twice does nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	subs := make([]*Sub, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	for _, s := range subs {
		h.drop(s, ReasonShutdown)
	}
}

// drop ends s for a reason of the hub's and reports it.
func (h *Hub) drop(s *Sub, r Reason) {
	if h.end(s, r) {
		h.opts.OnDrop(r)
	}
}

// end removes s from every channel and closes its Done; only the first
// call for a subscriber does anything, and reports true.
func (h *Hub) end(s *Sub, r Reason) bool {
	if !s.end(r) {
		return false
	}
	h.mu.Lock()
	for c := range s.channels {
		h.leaveLocked(s, c)
	}
	delete(h.subs, s)
	h.mu.Unlock()
	if s.onDone != nil {
		s.onDone(r)
	}
	return true
}

// Stats counts what the hub holds.
type Stats struct {
	// Subscribers attached.
	Subscribers int
	// Channels with at least one subscriber.
	Channels int
}

// Stats returns the current counts.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return Stats{Subscribers: len(h.subs), Channels: len(h.channels)}
}

// Subscribers returns how many subscribers channel has.
func (h *Hub) Subscribers(channel string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.channels[channel])
}
