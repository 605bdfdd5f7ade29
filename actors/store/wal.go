package store

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

// WALName is the registered name of the actor that owns the node's WAL
// syncer.
const WALName = "store_wal"

// walQueue makes the applied writes of all the node's vnodes durable with
// as few fsyncs as possible, and acknowledges them. A vnode applies a
// write (visible at once, unsynced) and hands its caller's reply to the
// queue; the syncer goroutine takes every reply queued, syncs the WAL once,
// and answers them all (group commit across all vnodes).
//
// When to sync: a sync started at once covers only the writes applied so
// far; the writes still on their way wait for it and then for a whole
// sync of their own. After a sync answers many callers, they write again
// together (a herd), and on a 2-core node applying the herd takes about
// as long as a sync; worse, the goroutine blocked in fsync keeps one of
// the two Ps for the whole sync, so a herd applied during a sync runs on
// one core. So the syncer waits while writes are in flight (queued for a
// worker, being applied, or answered but not yet taken by their caller):
// once they have all reached the queue, one sync covers the herd. It waits
// at most about as long as a sync takes (hold); past that, overlapping the
// next sync with the stragglers is the better bet. A lone writer, or
// writers that do not write again, cost no wait: nothing is in flight.
//
// It is plain Go on purpose: each actor hop between two fsyncs adds
// latency, and every writer that misses the next fsync waits for a whole
// extra one. Replies are sent straight from here (runtime.Replier).
type walQueue struct {
	db     *storage.DB
	m      *Metrics
	acks   chan pendingAck
	flight flight
	// hold is the syncer's: how long it waits for writes in flight, a
	// moving average of the syncs' durations (at most maxHold).
	hold time.Duration
}

// maxHold bounds the wait for writes in flight before a sync.
const maxHold = 5 * time.Millisecond

// flight counts the writes on their way to the WAL queue: each job from
// the moment it is queued for a partition's worker until the worker hands
// it to the queue (or answers it), and each answer to a caller on this
// node until the caller takes it. Every add is matched by one done.
type flight struct {
	n    atomic.Int64
	idle chan struct{} // signalled when n drops to zero
}

func (f *flight) add() { f.n.Add(1) }

func (f *flight) done() {
	if f.n.Add(-1) == 0 {
		select {
		case f.idle <- struct{}{}:
		default:
		}
	}
}

// pendingAck is a write applied but not yet durable.
type pendingAck struct {
	reply runtime.Replier
	value any
	op    string
}

func newWALQueue(db *storage.DB, m *Metrics) *walQueue {
	return &walQueue{db: db, m: m, acks: make(chan pendingAck, 4096), flight: flight{idle: make(chan struct{}, 1)}}
}

// enqueue hands over an applied write's reply. It blocks only while the
// queue is full, which pushes back on the vnodes.
func (q *walQueue) enqueue(a pendingAck) { q.acks <- a }

// run syncs and acknowledges until stop is closed; then it answers what is
// still queued with ErrStopped (those writes may still be durable: never a
// false acknowledgement).
func (q *walQueue) run(stop <-chan struct{}) {
	var batch []pendingAck
	hold := time.NewTimer(time.Hour)
	hold.Stop()
	for {
		select {
		case <-stop:
			q.failQueued()
			return
		case a := <-q.acks:
			batch = append(batch[:0], a)
		}
		batch = q.gather(batch, hold, stop)
		start := time.Now()
		err := q.db.SyncWAL()
		took := time.Since(start)
		q.hold = min((3*q.hold+took)/4, maxHold)
		outcome := "ok"
		if err != nil {
			outcome = "error"
			err = fmt.Errorf("wal sync: %w", err)
		}
		// Answer first, count after: the callers wait, the metrics don't.
		for _, a := range batch {
			if err != nil {
				a.reply(nil, err)
			} else {
				a.reply(a.value, nil)
			}
		}
		q.m.SyncSeconds.Observe(took.Seconds())
		q.m.SyncWrites.Observe(float64(len(batch)))
		for i := 0; i < len(batch); {
			n := 1
			for i+n < len(batch) && batch[i+n].op == batch[i].op {
				n++
			}
			q.m.Writes.WithLabelValues(batch[i].op, outcome).Add(float64(n))
			i += n
		}
		clear(batch)
	}
}

// gather adds to batch every reply queued, first waiting (up to q.hold)
// until no write is in flight.
func (q *walQueue) gather(batch []pendingAck, hold *time.Timer, stop <-chan struct{}) []pendingAck {
	if q.flight.n.Load() > 0 && q.hold > 0 {
		hold.Reset(q.hold)
	wait:
		for q.flight.n.Load() > 0 {
			select {
			case <-q.flight.idle: // maybe stale: check again
			case <-hold.C:
				break wait
			case <-stop:
				break wait
			}
		}
		hold.Stop()
	}
	for {
		select {
		case a := <-q.acks:
			batch = append(batch, a)
		default:
			return batch
		}
	}
}

func (q *walQueue) failQueued() {
	for {
		select {
		case a := <-q.acks:
			a.reply(nil, fmt.Errorf("wal sync: %w", runtime.ErrStopped))
		default:
			return
		}
	}
}

// walSyncer is the actor that owns the syncer goroutine, so the goroutine
// starts and stops with the store application.
type walSyncer struct {
	runtime.Base
	q    *walQueue
	stop chan struct{}
}

func (s *walSyncer) Init(*runtime.Process) {
	s.stop = make(chan struct{})
	go s.q.run(s.stop)
}

func (s *walSyncer) Terminate(*runtime.Process, string) { close(s.stop) }
