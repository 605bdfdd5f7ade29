// Package watchq is the delivery queue of driver.Watcher: one per
// watcher, it never blocks the producer and keeps at most one pending
// change per VM. Pushing a change of a VM that already has one pending
// replaces it in place; otherwise it joins the end. A consumer thus sees
// every change it is fast enough for, in order, and always the latest
// state of every VM.
package watchq

import (
	"context"
	"sync"

	"github.com/fifogo/fifo/agent/driver"
)

// Queue buffers state changes for one consumer.
type Queue struct {
	mu      sync.Mutex
	order   []string
	pending map[string]driver.State
	signal  chan struct{}
	out     chan driver.StateChange
}

// New returns a queue whose channel C closes when ctx is done. Its pump
// goroutine ends with ctx.
func New(ctx context.Context) *Queue {
	q := &Queue{
		pending: map[string]driver.State{},
		signal:  make(chan struct{}, 1),
		out:     make(chan driver.StateChange),
	}
	go q.pump(ctx)
	return q
}

// C is the consumer's channel.
func (q *Queue) C() <-chan driver.StateChange { return q.out }

// Push queues a change; it never blocks.
func (q *Queue) Push(c driver.StateChange) {
	q.mu.Lock()
	if _, ok := q.pending[c.UUID]; !ok {
		q.order = append(q.order, c.UUID)
	}
	q.pending[c.UUID] = c.State
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// Len is the number of pending changes.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.order)
}

func (q *Queue) pop() (driver.StateChange, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return driver.StateChange{}, false
	}
	id := q.order[0]
	q.order[0] = ""
	q.order = q.order[1:]
	if len(q.order) == 0 {
		q.order = nil // let the backing array go
	}
	st := q.pending[id]
	delete(q.pending, id)
	return driver.StateChange{UUID: id, State: st}, true
}

func (q *Queue) pump(ctx context.Context) {
	defer close(q.out)
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.signal:
		}
		for {
			c, ok := q.pop()
			if !ok {
				break
			}
			select {
			case q.out <- c:
			case <-ctx.Done():
				return
			}
		}
	}
}
