package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

// VnodeName is the registered name of partition p's vnode.
func VnodeName(p int) string { return fmt.Sprintf("vnode_%04d", p) }

// vnode owns one partition of the node's store and serialises its writes.
// The actor accepts requests in order and hands them to its worker
// goroutine, which applies every request queued as one unsynced commit
// (visible at once, in order) and hands each caller's reply to the node's
// WAL syncer (walQueue), which answers it after the next fsync.
type vnode struct {
	runtime.Base
	index int
	db    *storage.DB
	codec Codec
	m     *Metrics
	now   func() time.Time
	wal   *walQueue
	part  *partition // shared with other incarnations
	hooks *hooks     // the Service's write hooks
	stop  chan struct{}
	// The worker's: the batch being built and the values and names it
	// leaves, for reads of later writes in the same batch. The last job
	// of a batch (the only one, most of the time) leaves nothing there:
	// no later job reads it (remember is false).
	batch    *storage.Batch
	values   map[string][]byte // bucket\x00id -> value (nil: deleted)
	names    map[string]string // bucket\x00name -> id ("": released)
	remember bool
}

// maxBatch bounds how many queued jobs the worker applies in one commit.
const maxBatch = 128

// job is a write queued for the partition's worker, by the vnode actor
// (a remote caller's request) or by Local (a caller on this node); the
// reply belongs to the worker, which always answers it.
type job struct {
	req   any
	reply runtime.Replier
}

func newVnode(index int, s *Service, part *partition) *vnode {
	return &vnode{index: index, db: s.db, codec: s.codec, m: s.m, wal: s.wal, part: part, hooks: &s.hooks, now: time.Now}
}

// Init starts the worker. The actor only accepts and orders requests; the
// worker, a long-lived goroutine with a grown stack, reads, merges and
// applies them in that order. ergo runs every handler on a fresh goroutine
// whose small stack grows (and is copied) on each call into Pebble, which
// cost a sixth of the write path's CPU when the work ran in the handler.
func (v *vnode) Init(p *runtime.Process) {
	v.batch = v.db.NewBatch()
	v.values, v.names = map[string][]byte{}, map[string]string{}
	v.stop = make(chan struct{})
	go v.work(v.part.jobs, v.stop)
}

func (v *vnode) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	switch req.(type) {
	case ApplyReq, DeleteReq, ClaimNameReq, ReleaseNameReq, QuarantineReq, PutNameReq:
	default:
		return nil, fmt.Errorf("vnode %d: %w: %T", v.index, runtime.ErrUnsupported, req)
	}
	v.wal.flight.add()
	v.part.jobs <- job{req: req, reply: p.Detach(from)}
	return nil, runtime.Deferred
}

// Terminate stops the worker after the batch it is applying; jobs still
// queued wait for the next incarnation's worker.
func (v *vnode) Terminate(*runtime.Process, string) {
	if v.stop != nil {
		close(v.stop)
	}
}

// work applies jobs in order until stop is closed. It takes every job
// queued (up to maxBatch), applies them as one unsynced commit, and hands
// the successful ones to the WAL syncer.
func (v *vnode) work(jobs <-chan job, stop <-chan struct{}) {
	type outcome struct {
		reply any
		err   error
	}
	var (
		pending []job
		results []outcome
	)
	for {
		select {
		case <-stop:
			return
		case j := <-jobs:
			pending = append(pending[:0], j)
		}
	fill:
		for len(pending) < maxBatch {
			select {
			case j := <-jobs:
				pending = append(pending, j)
			default:
				break fill
			}
		}
		results = results[:0]
		v.part.lock.Lock()
		for i, j := range pending {
			v.remember = i < len(pending)-1
			reply, err := v.stage(j.req)
			results = append(results, outcome{reply, err})
		}
		var cerr error
		if v.batch.Len() > 0 {
			cerr = v.db.Commit(v.batch, false)
		}
		if cerr == nil && v.hooks.active() {
			// Write hooks (hooks.go) see each committed write in order.
			for i, j := range pending {
				if results[i].err == nil {
					v.hooks.applied(v.db, v.index, j.req, results[i].reply)
				}
			}
		}
		v.batch.Reset()
		if len(v.values) > 0 {
			clear(v.values)
		}
		if len(v.names) > 0 {
			clear(v.names)
		}
		v.part.lock.Unlock()
		for i, j := range pending {
			err := results[i].err
			if err == nil && cerr != nil {
				err = fmt.Errorf("vnode %d commit: %w", v.index, cerr)
			}
			// The job leaves the flight when it reaches the WAL queue,
			// or before its caller learns it was refused.
			if err != nil {
				v.m.Writes.WithLabelValues(opName(j.req), "refused").Inc()
				v.wal.flight.done()
				j.reply(nil, err)
			} else {
				v.wal.enqueue(pendingAck{reply: j.reply, value: results[i].reply, op: opName(j.req)})
				v.wal.flight.done()
			}
			pending[i] = job{}
		}
	}
}

// stage adds one request to the batch.
func (v *vnode) stage(req any) (any, error) {
	switch r := req.(type) {
	case ApplyReq:
		return v.apply(r)
	case DeleteReq:
		return v.del(r)
	case ClaimNameReq:
		return v.claim(r)
	case ReleaseNameReq:
		return v.release(r)
	case QuarantineReq:
		return v.quarantineIfSame(r)
	case PutNameReq:
		return v.putName(r)
	}
	return nil, fmt.Errorf("vnode %d: %w: %T", v.index, runtime.ErrUnsupported, req)
}

func key(bucket, id string) string { return bucket + "\x00" + id }

// current returns the value of bucket/id (nil when absent) as the batch
// being built leaves it, including writes applied but not yet synced.
func (v *vnode) current(bucket, id string) ([]byte, error) {
	if len(v.values) > 0 {
		if val, ok := v.values[key(bucket, id)]; ok {
			return val, nil
		}
	}
	val, _, err := v.db.Lookup(v.index, bucket, id)
	return val, storeErr(err)
}

// setValue leaves a record's value for later jobs of the batch.
func (v *vnode) setValue(bucket, id string, val []byte) {
	if v.remember {
		v.values[key(bucket, id)] = val
	}
}

// setHolder leaves a name's holder for later jobs of the batch.
func (v *vnode) setHolder(bucket, name, id string) {
	if v.remember {
		v.names[key(bucket, name)] = id
	}
}

func (v *vnode) apply(r ApplyReq) (any, error) {
	old, err := v.current(r.Bucket, r.ID)
	if err != nil {
		return nil, err
	}
	merged, err := v.codec.Merge(old, r.Delta)
	if err != nil {
		// Either the delta is bad (refuse it, change nothing) or the
		// stored value no longer decodes (move it aside and start afresh
		// from the delta, so the node keeps serving).
		fresh, ferr := v.codec.Merge(nil, r.Delta)
		if ferr != nil || old == nil {
			return nil, fmt.Errorf("apply %s/%s: %w: %v", r.Bucket, r.ID, ErrBadValue, err)
		}
		if qerr := v.quarantine(r.Bucket, r.ID, old, err); qerr != nil {
			return nil, qerr
		}
		merged = fresh
	}
	if err := v.batch.Put(v.index, r.Bucket, r.ID, merged); err != nil {
		return nil, storeErr(err)
	}
	v.setValue(r.Bucket, r.ID, merged)
	return ApplyResp{Value: merged}, nil
}

func (v *vnode) del(r DeleteReq) (any, error) {
	if err := v.batch.Delete(v.index, r.Bucket, r.ID); err != nil {
		return nil, storeErr(err)
	}
	v.setValue(r.Bucket, r.ID, nil)
	return Ack{OK: true}, nil
}

// holder returns the id holding a name ("" when free) as the batch being
// built leaves it.
func (v *vnode) holder(bucket, name string) (string, error) {
	if len(v.names) > 0 {
		if id, ok := v.names[key(bucket, name)]; ok {
			return id, nil
		}
	}
	id, err := v.db.GetIndex(v.index, bucket, name)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	return id, storeErr(err)
}

func (v *vnode) claim(r ClaimNameReq) (any, error) {
	if r.ID == "" {
		return nil, fmt.Errorf("claim %s/%s: %w: empty id", r.Bucket, r.Name, ErrInvalidKey)
	}
	held, err := v.holder(r.Bucket, r.Name)
	if err != nil {
		return nil, err
	}
	if held != "" && held != r.ID {
		return nil, fmt.Errorf("claim %s/%s: %w", r.Bucket, r.Name, ErrNameTaken)
	}
	if err := v.batch.PutIndex(v.index, r.Bucket, r.Name, r.ID); err != nil {
		return nil, storeErr(err)
	}
	v.setHolder(r.Bucket, r.Name, r.ID)
	return Ack{OK: true}, nil
}

func (v *vnode) release(r ReleaseNameReq) (any, error) {
	held, err := v.holder(r.Bucket, r.Name)
	if err != nil {
		return nil, err
	}
	if held == r.ID {
		if err := v.batch.DeleteIndex(v.index, r.Bucket, r.Name); err != nil {
			return nil, storeErr(err)
		}
		v.setHolder(r.Bucket, r.Name, "")
	}
	return Ack{OK: true}, nil
}

func (v *vnode) quarantineIfSame(r QuarantineReq) (any, error) {
	cur, err := v.current(r.Bucket, r.ID)
	if err != nil {
		return nil, err
	}
	if cur != nil && string(cur) == string(r.Raw) {
		if err := v.quarantine(r.Bucket, r.ID, cur, errors.New(r.Reason)); err != nil {
			return nil, err
		}
	}
	return Ack{OK: true}, nil
}

func (v *vnode) quarantine(bucket, id string, raw []byte, reason error) error {
	if err := v.batch.Quarantine(v.index, bucket, id, raw, reason.Error(), v.now()); err != nil {
		return storeErr(err)
	}
	v.setValue(bucket, id, nil)
	return nil
}

// storeErr maps engine errors onto the store's.
func storeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrInvalidKey):
		return fmt.Errorf("%w: %v", ErrInvalidKey, err)
	case errors.Is(err, storage.ErrNotFound):
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return err
}

// opName labels a request for metrics.
func opName(x any) string {
	switch x.(type) {
	case ApplyReq:
		return "apply"
	case DeleteReq:
		return "delete"
	case ClaimNameReq:
		return "claim"
	case ReleaseNameReq:
		return "release"
	case QuarantineReq:
		return "quarantine"
	case PutNameReq:
		return "put_name"
	}
	return "other"
}
