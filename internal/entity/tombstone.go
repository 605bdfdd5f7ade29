package entity

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/internal/record"
)

// Re-creating a deleted record. A replicated store deletes by writing a
// tombstone (internal/record/tombstone.go) that keeps the causal context
// of everything the record held. A writer that re-created the id from an
// empty record would mint its actor's dots from 1 again, dots the
// tombstone already covers, and every replica would drop the write as
// already seen: an acknowledged write lost. So the writers of this
// package start a record the store reports deleted from its tombstone
// when the store can hand it over (TombstoneReader), and their dots lie
// above those the delete removed.

// TombstoneReader is implemented by stores that keep deleted records as
// tombstones (actors/replica.Cluster).
type TombstoneReader interface {
	// GetWithTombstone is Get that also returns the value of a deleted
	// record, its tombstone; ErrNotFound only when nothing is held.
	GetWithTombstone(ctx context.Context, bucket, id string) ([]byte, error)
}

// loadForWrite loads bucket/id for a read-modify-write: the record, or
// ErrNotFound with base, the record's tombstone (nil when the store holds
// none or cannot tell), to create it again from.
func (r *Repo) loadForWrite(ctx context.Context, bucket, id string) (rec, base *record.Record, err error) {
	ts, ok := r.st.(TombstoneReader)
	if !ok || id == "" {
		rec, err = r.Load(ctx, bucket, id)
		return rec, nil, err
	}
	b, err := ts.GetWithTombstone(ctx, bucket, id)
	if err != nil {
		return nil, nil, StoreErr(err, bucket+" "+id)
	}
	rec, err = record.Load(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	if rec.Type != bucket {
		return nil, nil, fmt.Errorf("%s %s holds a %s record: %w", bucket, id, rec.Type, ErrNotFound)
	}
	if rec.Fields.Len() == 0 {
		return nil, rec, fmt.Errorf("%s %s: %w (deleted)", bucket, id, ErrNotFound)
	}
	return rec, nil, nil
}
