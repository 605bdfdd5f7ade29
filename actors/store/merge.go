package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/runtime"
)

// MergeResult counts what MergeRecords did.
type MergeResult struct {
	// Merged is the number of records merged (and synced).
	Merged int
	// Refused is the number of records the codec refused (ErrBadValue).
	Refused int
	// NameConflicts is the number of names held by another id here; the
	// holder here keeps them.
	NameConflicts int
}

// MergeRecords merges each record's value (a full CRDT state, a valid
// delta) into partition p, and claims each unique name, through the
// partition's worker like any write, and returns once every write is
// synced. Records travel as full states, so merging one twice, late or out
// of order changes nothing: this is how handoff and anti-entropy move
// data. Every key must belong to partition p (ErrInvalidKey otherwise,
// before anything is written). The writes are queued at once, so the
// worker commits them in few batches and the WAL syncs them together.
func (s *Service) MergeRecords(ctx context.Context, p int, recs []recbatch.Record, names []recbatch.Name) (MergeResult, error) {
	var res MergeResult
	if p < 0 || p >= len(s.parts) {
		return res, fmt.Errorf("merge into partition %d of %d: %w", p, len(s.parts), ErrInvalidKey)
	}
	for _, r := range recs {
		if q := s.db.PartitionOf(r.Bucket, r.ID); q != p {
			return res, fmt.Errorf("merge %s/%s into partition %d: %w: it belongs to %d", r.Bucket, r.ID, p, ErrInvalidKey, q)
		}
	}
	for _, n := range names {
		if q := s.db.PartitionOfName(n.Bucket, n.Name); q != p {
			return res, fmt.Errorf("merge name %s/%s into partition %d: %w: it belongs to %d", n.Bucket, n.Name, p, ErrInvalidKey, q)
		}
	}
	total := len(recs) + len(names)
	if total == 0 {
		return res, nil
	}
	type answer struct {
		name bool
		err  error
	}
	// Buffered for every answer: workers never block on a caller that
	// gave up.
	answers := make(chan answer, total)
	f := &s.wal.flight
	queue := func(req any, name bool) error {
		reply := func(_ any, err error) { answers <- answer{name: name, err: err} }
		f.add()
		select {
		case s.parts[p].jobs <- job{req: req, reply: runtime.Replier(reply)}:
			return nil
		case <-ctx.Done():
			f.done()
			return fmt.Errorf("merge into partition %d: %w", p, runtime.ErrTimeout)
		}
	}
	queued := 0
	var qerr error
	for _, r := range recs {
		if qerr = queue(ApplyReq{Bucket: r.Bucket, ID: r.ID, Delta: r.Value}, false); qerr != nil {
			break
		}
		queued++
	}
	if qerr == nil {
		for _, n := range names {
			if qerr = queue(ClaimNameReq{Bucket: n.Bucket, Name: n.Name, ID: n.ID}, true); qerr != nil {
				break
			}
			queued++
		}
	}
	var first error
	for range queued {
		select {
		case a := <-answers:
			switch {
			case a.err == nil && a.name:
			case a.err == nil:
				res.Merged++
			case a.name && errors.Is(a.err, ErrNameTaken):
				res.NameConflicts++
			case errors.Is(a.err, ErrBadValue):
				res.Refused++
			case first == nil:
				first = a.err
			}
		case <-ctx.Done():
			return res, fmt.Errorf("merge into partition %d: %w", p, runtime.ErrTimeout)
		}
	}
	if qerr != nil {
		return res, qerr
	}
	if first != nil {
		return res, fmt.Errorf("merge into partition %d: %w", p, first)
	}
	return res, nil
}
