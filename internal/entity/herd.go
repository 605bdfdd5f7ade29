package entity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/fifogo/fifo/internal/record"
)

// Read-modify-writes of one record must not interleave: a mutator makes
// its delta (its dots, its removals) from the record as stored, and two
// made from the same state would mint the same dots. Holding a lock per
// record across the synced write orders them, but then a record changes
// at most once per sync, and every writer of a busy record (a user's
// grants, a hot range) queues behind the others' fsyncs.
//
// Instead the writers of a record form a herd: one of them, the leader,
// loads the record once, runs every queued mutator in arrival order on
// the evolving record (each sees the changes of those before it, with a
// later stamp), and writes the merged deltas in one store call. Writers
// arriving meanwhile queue for the next round, which the leader hands to
// the first of them. Each caller still returns only after its own change
// is durable (or with its own error), and records of different ids never
// wait for each other.

// herds tracks the records with a round in progress.
type herds struct {
	mu sync.Mutex
	m  map[string]*herd // bucket "\x00" id → its queue
}

// herd is the queue of one record: the mutations waiting for the next
// round. It exists while a leader runs.
type herd struct {
	queue []*mutation
}

// mutation is one caller's Update or Upsert.
type mutation struct {
	ctx      context.Context
	fn       Mutator
	upsert   bool
	state    atomic.Uint32 // queued, taken or abandoned
	err      error
	panicked any       // what fn panicked with, re-raised by its caller
	wake     chan bool // true: lead the next round; false: done, see err
}

// Mutation states: a caller gives up only a queued mutation; once a
// leader has taken it, the caller waits for its result.
const (
	queued uint32 = iota
	taken
	abandoned
)

// mutate runs fn as one member of bucket/id's herd and returns when its
// change is written (or failed).
func (r *Repo) mutate(ctx context.Context, bucket, id string, fn Mutator, upsert bool) error {
	m := &mutation{ctx: ctx, fn: fn, upsert: upsert, wake: make(chan bool, 1)}
	key := bucket + "\x00" + id
	r.herds.mu.Lock()
	if r.herds.m == nil {
		r.herds.m = map[string]*herd{}
	}
	h, running := r.herds.m[key]
	if !running {
		h = &herd{}
		r.herds.m[key] = h
		m.state.Store(taken)
	}
	h.queue = append(h.queue, m)
	r.herds.mu.Unlock()
	if running {
		var lead bool
		select {
		case lead = <-m.wake:
		case <-ctx.Done():
			if m.state.CompareAndSwap(queued, abandoned) {
				return fmt.Errorf("%s %s: %w", bucket, id, ctx.Err())
			}
			lead = <-m.wake
		}
		if !lead {
			return m.result()
		}
	}
	r.round(ctx, bucket, id, key, h)
	return m.result()
}

// result is the mutation's outcome for its caller.
func (m *mutation) result() error {
	if m.panicked != nil {
		panic(m.panicked)
	}
	return m.err
}

// round runs the queued mutations of h in one write, then hands the herd
// to the first caller still waiting, or ends it.
func (r *Repo) round(ctx context.Context, bucket, id, key string, h *herd) {
	r.herds.mu.Lock()
	batch := h.queue
	h.queue = nil
	r.herds.mu.Unlock()

	r.apply(context.WithoutCancel(ctx), bucket, id, batch)
	for _, m := range batch {
		m.wake <- false
	}

	r.herds.mu.Lock()
	defer r.herds.mu.Unlock()
	for len(h.queue) > 0 {
		next := h.queue[0]
		if next.state.CompareAndSwap(queued, taken) {
			next.wake <- true
			return
		}
		h.queue = h.queue[1:] // its caller gave up and returned
	}
	delete(r.herds.m, key)
}

// apply loads bucket/id once, runs the batch's mutators in order and
// writes their deltas in one Put, setting each mutation's err. A mutator
// that fails leaves the record as it found it for the ones after it.
func (r *Repo) apply(ctx context.Context, bucket, id string, batch []*mutation) {
	var run []*mutation
	for _, m := range batch {
		if m.state.Load() == taken || m.state.CompareAndSwap(queued, taken) {
			run = append(run, m)
		}
	}
	if len(run) == 0 {
		return
	}
	rec, base, loadErr := r.loadForWrite(ctx, bucket, id)
	if loadErr != nil && !errors.Is(loadErr, ErrNotFound) {
		for _, m := range run {
			m.err = loadErr
		}
		return
	}
	// orig is the record as loaded, to rebuild the working copy from when
	// a mutator fails after changing it (rare: mutators check first).
	var orig *record.Record
	if rec != nil && len(run) > 1 {
		orig = rec.Clone()
	}
	var (
		deltas  []*record.Record
		written []*mutation
	)
	for i, m := range run {
		if err := m.ctx.Err(); err != nil {
			m.err = fmt.Errorf("%s %s: %w", bucket, id, err)
			continue
		}
		if rec == nil && !m.upsert {
			m.err = loadErr
			continue
		}
		if rec == nil {
			// A deleted record is re-created on its tombstone, so that
			// the dots minted now lie above those the delete removed.
			if rec = record.New(bucket); base != nil {
				rec = base.Clone()
			}
		}
		last := i == len(run)-1
		d, err := m.run(rec, r.Stamp())
		if err == nil && d != nil && !last {
			// The next mutator must see d, whether or not fn applied it
			// to rec in place (merging it twice changes nothing).
			var next *record.Record
			if next, err = record.Merge(rec, d); err == nil {
				rec = next
			} else {
				err = fmt.Errorf("%s %s: %w", bucket, id, err)
			}
		}
		if err != nil {
			m.err = err
			if !last {
				rec = rebuild(orig, deltas)
			}
			continue
		}
		if d != nil {
			deltas = append(deltas, d)
			written = append(written, m)
		}
	}
	if len(deltas) == 0 {
		return
	}
	delta, err := mergeAll(deltas)
	if err == nil {
		err = r.Put(ctx, bucket, id, delta)
	} else {
		err = fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	if err != nil {
		for _, m := range written {
			m.err = err
		}
	}
}

// rebuild is the record as loaded (nil: absent) with the deltas applied.
func rebuild(orig *record.Record, deltas []*record.Record) *record.Record {
	rec := orig
	if rec != nil {
		rec = rec.Clone()
	}
	for _, d := range deltas {
		if rec == nil {
			rec = d.Clone()
		} else if next, err := record.Merge(rec, d); err == nil {
			rec = next
		}
	}
	return rec
}

// mergeAll joins deltas pairwise, so that k deltas cost O(k log k) rather
// than the O(k²) of merging each into a growing one.
func mergeAll(deltas []*record.Record) (*record.Record, error) {
	for len(deltas) > 1 {
		next := deltas[:0:0]
		for i := 0; i < len(deltas); i += 2 {
			if i+1 == len(deltas) {
				next = append(next, deltas[i])
				continue
			}
			m, err := record.Merge(deltas[i], deltas[i+1])
			if err != nil {
				return nil, err
			}
			next = append(next, m)
		}
		deltas = next
	}
	return deltas[0], nil
}

// run calls the mutator; a panic is kept for its caller to re-raise
// (Update panics in the caller's goroutine, as a plain call would, and
// the herd goes on).
func (m *mutation) run(rec *record.Record, st record.Stamp) (d *record.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			m.panicked = p
			d, err = nil, fmt.Errorf("mutator panicked: %v", p)
		}
	}()
	return m.fn(rec, st)
}
