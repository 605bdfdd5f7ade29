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

// flush is the vnode's signal to commit the writes collected so far.
type flush struct{}

// waiter is a caller owed a reply once the batch is durable.
type waiter struct {
	from  runtime.From
	reply any
	op    string
}

// vnode owns one partition of the node's store: it serialises that
// partition's writes, batches them per commit and acknowledges them only
// after the synced commit.
type vnode struct {
	runtime.Base
	part  int
	db    *storage.DB
	codec Codec
	m     *Metrics
	now   func() time.Time

	batch     *storage.Batch
	values    map[string][]byte // bucket\x00id -> value in the open batch (nil: deleted)
	names     map[string]string // bucket\x00name -> id in the open batch ("": released)
	waiters   []waiter
	scheduled bool
}

func newVnode(part int, db *storage.DB, codec Codec, m *Metrics) *vnode {
	return &vnode{part: part, db: db, codec: codec, m: m, now: time.Now}
}

func (v *vnode) Init(*runtime.Process) {
	v.batch = v.db.NewBatch()
	v.values = map[string][]byte{}
	v.names = map[string]string{}
}

func (v *vnode) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	var (
		reply any
		err   error
	)
	switch r := req.(type) {
	case ApplyReq:
		reply, err = v.apply(r)
	case DeleteReq:
		reply, err = v.del(r)
	case ClaimNameReq:
		reply, err = v.claim(r)
	case ReleaseNameReq:
		reply, err = v.release(r)
	case QuarantineReq:
		reply, err = v.quarantineIfSame(r)
	default:
		return nil, fmt.Errorf("vnode %d: %w: %T", v.part, runtime.ErrUnsupported, req)
	}
	if err != nil {
		v.m.Writes.WithLabelValues(opName(req), "refused").Inc()
		return nil, err
	}
	v.waiters = append(v.waiters, waiter{from: from, reply: reply, op: opName(req)})
	if !v.scheduled {
		v.scheduled = true
		if err := p.SendSelf(flush{}); err != nil {
			// The mailbox is full of flushes' competitors; commit now.
			v.commit(p)
		}
	}
	return nil, runtime.Deferred
}

func (v *vnode) HandleMessage(p *runtime.Process, msg any) {
	if _, ok := msg.(flush); ok {
		v.commit(p)
		return
	}
	v.Base.HandleMessage(p, msg)
}

// commit makes the open batch durable and answers its callers.
func (v *vnode) commit(p *runtime.Process) {
	v.scheduled = false
	if len(v.waiters) == 0 {
		return
	}
	start := time.Now()
	err := v.db.Commit(v.batch, true)
	v.m.CommitSeconds.Observe(time.Since(start).Seconds())
	v.m.BatchWrites.Observe(float64(len(v.waiters)))
	outcome := "ok"
	if err != nil {
		outcome = "error"
		err = fmt.Errorf("vnode %d commit: %w", v.part, err)
		p.Logger().Error("commit failed", "partition", v.part, "err", err)
	}
	for _, w := range v.waiters {
		v.m.Writes.WithLabelValues(w.op, outcome).Inc()
		if err != nil {
			p.Reply(w.from, nil, err)
		} else {
			p.Reply(w.from, w.reply, nil)
		}
	}
	v.waiters = v.waiters[:0]
	v.batch.Reset()
	clear(v.values)
	clear(v.names)
}

func (v *vnode) Terminate(p *runtime.Process, reason string) {
	// Writes not yet committed were never acknowledged; the runtime has
	// answered their callers with ErrStopped.
	if v.batch != nil {
		v.batch.Reset()
	}
}

func key(bucket, id string) string { return bucket + "\x00" + id }

// current returns the value of bucket/id as the open batch leaves it.
func (v *vnode) current(bucket, id string) ([]byte, error) {
	if val, ok := v.values[key(bucket, id)]; ok {
		return val, nil
	}
	val, err := v.db.Get(v.part, bucket, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	return val, storeErr(err)
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
	if err := v.batch.Put(v.part, r.Bucket, r.ID, merged); err != nil {
		return nil, storeErr(err)
	}
	v.values[key(r.Bucket, r.ID)] = merged
	return ApplyResp{Value: merged}, nil
}

func (v *vnode) del(r DeleteReq) (any, error) {
	if err := v.batch.Delete(v.part, r.Bucket, r.ID); err != nil {
		return nil, storeErr(err)
	}
	v.values[key(r.Bucket, r.ID)] = nil
	return Ack{OK: true}, nil
}

// holder returns the id holding a name as the open batch leaves it.
func (v *vnode) holder(bucket, name string) (string, error) {
	if id, ok := v.names[key(bucket, name)]; ok {
		return id, nil
	}
	id, err := v.db.GetIndex(v.part, bucket, name)
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
	if err := v.batch.PutIndex(v.part, r.Bucket, r.Name, r.ID); err != nil {
		return nil, storeErr(err)
	}
	v.names[key(r.Bucket, r.Name)] = r.ID
	return Ack{OK: true}, nil
}

func (v *vnode) release(r ReleaseNameReq) (any, error) {
	held, err := v.holder(r.Bucket, r.Name)
	if err != nil {
		return nil, err
	}
	if held == r.ID {
		if err := v.batch.DeleteIndex(v.part, r.Bucket, r.Name); err != nil {
			return nil, storeErr(err)
		}
		v.names[key(r.Bucket, r.Name)] = ""
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
	if err := v.batch.Quarantine(v.part, bucket, id, raw, reason.Error(), v.now()); err != nil {
		return storeErr(err)
	}
	v.values[key(bucket, id)] = nil
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
	}
	return "other"
}
