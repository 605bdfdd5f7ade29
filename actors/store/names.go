package store

import (
	"context"
	"fmt"
)

// putName sets (or, with an empty id, frees) a name whatever holds it: a
// replica's copy of the owner's state of the name.
func (v *vnode) putName(r PutNameReq) (any, error) {
	if r.ID == "" {
		if err := v.batch.DeleteIndex(v.index, r.Bucket, r.Name); err != nil {
			return nil, storeErr(err)
		}
	} else if err := v.batch.PutIndex(v.index, r.Bucket, r.Name, r.ID); err != nil {
		return nil, storeErr(err)
	}
	v.setHolder(r.Bucket, r.Name, r.ID)
	return Ack{OK: true}, nil
}

// PutName sets the holder of bucket/name to id, or frees the name when id
// is empty, whoever holds it (see PutNameReq), durably.
func (l *Local) PutName(ctx context.Context, bucket, name, id string) error {
	_, err := l.call(ctx, l.s.db.PartitionOfName(bucket, name), PutNameReq{Bucket: bucket, Name: name, ID: id})
	if err != nil {
		return fmt.Errorf("put name %s/%s: %w", bucket, name, err)
	}
	return nil
}
