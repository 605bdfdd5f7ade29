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
// Each write is applied at once (visible, in order) without waiting for
// the disk, and its caller's reply is handed to the node's WAL syncer
// (walQueue), which answers it after the next fsync.
type vnode struct {
	runtime.Base
	part  int
	db    *storage.DB
	codec Codec
	m     *Metrics
	now   func() time.Time

	wal   *walQueue
	batch *storage.Batch
}

func newVnode(part int, db *storage.DB, codec Codec, m *Metrics, wal *walQueue) *vnode {
	return &vnode{part: part, db: db, codec: codec, m: m, wal: wal, now: time.Now}
}

func (v *vnode) Init(p *runtime.Process) {
	v.batch = v.db.NewBatch()
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
	if err == nil && v.batch.Len() > 0 {
		err = v.db.Commit(v.batch, false)
	}
	v.batch.Reset()
	if err != nil {
		v.m.Writes.WithLabelValues(opName(req), "refused").Inc()
		return nil, err
	}
	v.wal.enqueue(pendingAck{reply: p.Detach(from), value: reply, op: opName(req)})
	return nil, runtime.Deferred
}

// current returns the stored value of bucket/id (nil when absent),
// including writes applied but not yet synced.
func (v *vnode) current(bucket, id string) ([]byte, error) {
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
	return ApplyResp{Value: merged}, nil
}

func (v *vnode) del(r DeleteReq) (any, error) {
	if err := v.batch.Delete(v.part, r.Bucket, r.ID); err != nil {
		return nil, storeErr(err)
	}
	return Ack{OK: true}, nil
}

// holder returns the id holding a name ("" when free).
func (v *vnode) holder(bucket, name string) (string, error) {
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
