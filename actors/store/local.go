package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

// Local is the Store of a single node that owns every partition: writes
// are queued straight to the partition's worker (the vnode actor is the
// partition's endpoint for other nodes; callers on this node skip the
// actor hop), reads come straight from the node's database.
type Local struct {
	s *Service
}

var _ Store = (*Local)(nil)

// Local returns the store API of this node; the Service's App must run for
// writes to be applied (they wait in the partitions' queues meanwhile).
func (s *Service) Local() *Local {
	return &Local{s: s}
}

// result is the answer to a queued job.
type result struct {
	v   any
	err error
}

// waiter is a Local caller's reply slot: a channel, the Replier that
// fills it, and a timer for callers without a deadline. Waiters are
// reused (Service.waiters), so a write allocates none of them; a waiter
// whose caller gave up is dropped instead.
//
// An answer is in flight (walQueue.flight) from the Replier until the
// caller takes it; state settles the race between an answer and a caller
// giving up, so that exactly one of them happens.
type waiter struct {
	ch    chan result
	reply runtime.Replier
	timer *time.Timer
	state atomic.Uint32 // waiting, answered or abandoned
}

// Waiter states.
const (
	waiting uint32 = iota
	answered
	abandoned
)

func newWaiter(f *flight) *waiter {
	w := &waiter{ch: make(chan result, 1)}
	w.reply = func(v any, err error) {
		if w.state.CompareAndSwap(waiting, answered) {
			f.add()
			w.ch <- result{v, err}
		}
	}
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
	return w
}

// call queues a request for partition p's worker and waits for its answer
// (runtime.DefaultCallTimeout when ctx has no deadline).
func (l *Local) call(ctx context.Context, p int, req any) (any, error) {
	f := &l.s.wal.flight
	w := l.s.waiters.Get().(*waiter)
	w.state.Store(waiting)
	var expired <-chan time.Time
	if _, ok := ctx.Deadline(); !ok {
		w.timer.Reset(runtime.DefaultCallTimeout)
		expired = w.timer.C
	}
	f.add()
	select {
	case l.s.parts[p].jobs <- job{req: req, reply: w.reply}:
	case <-ctx.Done():
		f.done()
		return nil, l.giveUp(p, w)
	case <-expired:
		f.done()
		return nil, l.giveUp(p, w)
	}
	var r result
	select {
	case r = <-w.ch:
	case <-ctx.Done():
		if w.state.CompareAndSwap(waiting, abandoned) {
			return nil, fmt.Errorf("vnode %d: %w", p, runtime.ErrTimeout)
		}
		r = <-w.ch // answered meanwhile
	case <-expired:
		if w.state.CompareAndSwap(waiting, abandoned) {
			return nil, fmt.Errorf("vnode %d: %w", p, runtime.ErrTimeout)
		}
		r = <-w.ch
	}
	f.done()
	w.timer.Stop()
	l.s.waiters.Put(w)
	if r.err != nil {
		return nil, fmt.Errorf("vnode %d: %w", p, r.err)
	}
	return r.v, nil
}

// giveUp ends a call whose job was never queued; its waiter is reused.
func (l *Local) giveUp(p int, w *waiter) error {
	w.timer.Stop()
	l.s.waiters.Put(w)
	return fmt.Errorf("vnode %d: %w", p, runtime.ErrTimeout)
}

// Apply implements Store.
func (l *Local) Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error) {
	v, err := l.call(ctx, l.s.db.PartitionOf(bucket, id), ApplyReq{Bucket: bucket, ID: id, Delta: delta})
	if err != nil {
		return nil, err
	}
	return v.(ApplyResp).Value, nil
}

// Get implements Store. A value that does not decode is quarantined and
// reported as absent.
func (l *Local) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	p := l.s.db.PartitionOf(bucket, id)
	v, err := l.s.db.Get(p, bucket, id)
	if err != nil {
		return nil, storeErr(err)
	}
	if verr := l.s.codec.Check(v); verr != nil {
		if _, err := l.call(ctx, p, QuarantineReq{Bucket: bucket, ID: id, Raw: v, Reason: verr.Error()}); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("get %s/%s: %w (quarantined: %v)", bucket, id, ErrNotFound, verr)
	}
	return v, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, bucket, id string) error {
	_, err := l.call(ctx, l.s.db.PartitionOf(bucket, id), DeleteReq{Bucket: bucket, ID: id})
	return err
}

// Fold implements Store. Values that do not decode are skipped and
// quarantined.
func (l *Local) Fold(ctx context.Context, bucket string, fn func(id string, value []byte) error) error {
	for p := 0; p < l.s.db.Partitions(); p++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var bad []QuarantineReq
		err := l.s.db.Scan(p, bucket, func(id string, value []byte) error {
			if verr := l.s.codec.Check(value); verr != nil {
				bad = append(bad, QuarantineReq{Bucket: bucket, ID: id, Raw: append([]byte(nil), value...), Reason: verr.Error()})
				return nil
			}
			return fn(id, value)
		})
		if err != nil {
			return storeErr(err)
		}
		for _, q := range bad {
			if _, err := l.call(ctx, p, q); err != nil {
				return err
			}
		}
	}
	return nil
}

// ClaimName implements Store.
func (l *Local) ClaimName(ctx context.Context, bucket, name, id string) error {
	_, err := l.call(ctx, l.s.db.PartitionOfName(bucket, name), ClaimNameReq{Bucket: bucket, Name: name, ID: id})
	return err
}

// ReleaseName implements Store.
func (l *Local) ReleaseName(ctx context.Context, bucket, name, id string) error {
	_, err := l.call(ctx, l.s.db.PartitionOfName(bucket, name), ReleaseNameReq{Bucket: bucket, Name: name, ID: id})
	return err
}

// LookupName implements Store.
func (l *Local) LookupName(ctx context.Context, bucket, name string) (string, error) {
	id, err := l.s.db.GetIndex(l.s.db.PartitionOfName(bucket, name), bucket, name)
	if errors.Is(err, storage.ErrNotFound) {
		return "", fmt.Errorf("name %s/%s: %w", bucket, name, ErrNotFound)
	}
	return id, storeErr(err)
}
