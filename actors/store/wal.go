package store

import (
	"fmt"
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
// and answers them all. Writes applied during a sync wait for the next one
// (group commit across all vnodes).
//
// It is plain Go on purpose: each actor hop between two fsyncs adds
// latency, and every writer that misses the next fsync waits for a whole
// extra one. Replies are sent straight from here (runtime.Replier).
type walQueue struct {
	db   *storage.DB
	m    *Metrics
	acks chan pendingAck
}

// pendingAck is a write applied but not yet durable.
type pendingAck struct {
	reply runtime.Replier
	value any
	op    string
}

func newWALQueue(db *storage.DB, m *Metrics) *walQueue {
	return &walQueue{db: db, m: m, acks: make(chan pendingAck, 4096)}
}

// enqueue hands over an applied write's reply. It blocks only while the
// queue is full, which pushes back on the vnodes.
func (q *walQueue) enqueue(a pendingAck) { q.acks <- a }

// run syncs and acknowledges until stop is closed; then it answers what is
// still queued with ErrStopped (those writes may still be durable: never a
// false acknowledgement).
func (q *walQueue) run(stop <-chan struct{}) {
	var batch []pendingAck
	for {
		select {
		case <-stop:
			q.failQueued()
			return
		case a := <-q.acks:
			batch = append(batch[:0], a)
		}
	drain:
		for {
			select {
			case a := <-q.acks:
				batch = append(batch, a)
			default:
				break drain
			}
		}
		start := time.Now()
		err := q.db.SyncWAL()
		took := time.Since(start)
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
