package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

// Local is the Store of a single node that owns every partition: writes go
// to the partition's vnode, reads come straight from the node's database.
type Local struct {
	n     *runtime.Node
	db    *storage.DB
	codec Codec
}

var _ Store = (*Local)(nil)

// NewLocal returns the store API over the vnodes of the tree started with
// Tree on n.
func NewLocal(n *runtime.Node, db *storage.DB, codec Codec) *Local {
	return &Local{n: n, db: db, codec: codec}
}

// call sends a request to partition p's vnode.
func (l *Local) call(ctx context.Context, p int, req any) (any, error) {
	v, err := l.n.Call(ctx, VnodeName(p), req)
	if err != nil {
		return nil, fmt.Errorf("vnode %d: %w", p, err)
	}
	return v, nil
}

// Apply implements Store.
func (l *Local) Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error) {
	v, err := l.call(ctx, l.db.PartitionOf(bucket, id), ApplyReq{Bucket: bucket, ID: id, Delta: delta})
	if err != nil {
		return nil, err
	}
	return v.(ApplyResp).Value, nil
}

// Get implements Store. A value that does not decode is quarantined and
// reported as absent.
func (l *Local) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	p := l.db.PartitionOf(bucket, id)
	v, err := l.db.Get(p, bucket, id)
	if err != nil {
		return nil, storeErr(err)
	}
	if verr := l.codec.Check(v); verr != nil {
		if _, err := l.call(ctx, p, QuarantineReq{Bucket: bucket, ID: id, Raw: v, Reason: verr.Error()}); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("get %s/%s: %w (quarantined: %v)", bucket, id, ErrNotFound, verr)
	}
	return v, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, bucket, id string) error {
	_, err := l.call(ctx, l.db.PartitionOf(bucket, id), DeleteReq{Bucket: bucket, ID: id})
	return err
}

// Fold implements Store. Values that do not decode are skipped and
// quarantined.
func (l *Local) Fold(ctx context.Context, bucket string, fn func(id string, value []byte) error) error {
	for p := 0; p < l.db.Partitions(); p++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var bad []QuarantineReq
		err := l.db.Scan(p, bucket, func(id string, value []byte) error {
			if verr := l.codec.Check(value); verr != nil {
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
	_, err := l.call(ctx, l.db.PartitionOfName(bucket, name), ClaimNameReq{Bucket: bucket, Name: name, ID: id})
	return err
}

// ReleaseName implements Store.
func (l *Local) ReleaseName(ctx context.Context, bucket, name, id string) error {
	_, err := l.call(ctx, l.db.PartitionOfName(bucket, name), ReleaseNameReq{Bucket: bucket, Name: name, ID: id})
	return err
}

// LookupName implements Store.
func (l *Local) LookupName(ctx context.Context, bucket, name string) (string, error) {
	id, err := l.db.GetIndex(l.db.PartitionOfName(bucket, name), bucket, name)
	if errors.Is(err, storage.ErrNotFound) {
		return "", fmt.Errorf("name %s/%s: %w", bucket, name, ErrNotFound)
	}
	return id, storeErr(err)
}
