package store

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/storage"
)

// DropIfUnchanged removes from partition p each record whose stored value
// still equals the one given (what a handoff sent to the partition's new
// home), and each unique name still held by the same id, in one synced
// commit, and returns how many records it removed. A record written since
// it was sent keeps its newer value: the next pass sends it again, so
// dropping a partition that is no longer this node's never loses a write
// that landed during or after its transfer. Write hooks see the removals.
func (s *Service) DropIfUnchanged(p int, recs []recbatch.Record, names []recbatch.Name) (int, error) {
	if p < 0 || p >= len(s.parts) {
		return 0, fmt.Errorf("drop from partition %d of %d: %w", p, len(s.parts), ErrInvalidKey)
	}
	part := &s.parts[p]
	part.lock.Lock()
	defer part.lock.Unlock()
	b := s.db.NewBatch()
	var gone []recbatch.Record
	for _, r := range recs {
		cur, ok, err := s.db.Lookup(p, r.Bucket, r.ID)
		if err != nil {
			return 0, fmt.Errorf("drop %d/%s/%s: %w", p, r.Bucket, r.ID, storeErr(err))
		}
		if !ok || !bytes.Equal(cur, r.Value) {
			continue
		}
		if err := b.Delete(p, r.Bucket, r.ID); err != nil {
			return 0, fmt.Errorf("drop %d/%s/%s: %w", p, r.Bucket, r.ID, storeErr(err))
		}
		gone = append(gone, r)
	}
	for _, n := range names {
		id, err := s.db.GetIndex(p, n.Bucket, n.Name)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && id != n.ID) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("drop name %d/%s/%s: %w", p, n.Bucket, n.Name, storeErr(err))
		}
		if err := b.DeleteIndex(p, n.Bucket, n.Name); err != nil {
			return 0, fmt.Errorf("drop name %d/%s/%s: %w", p, n.Bucket, n.Name, storeErr(err))
		}
	}
	if b.Len() == 0 {
		return 0, nil
	}
	if err := s.db.Commit(b, true); err != nil {
		return 0, fmt.Errorf("drop from partition %d: %w", p, err)
	}
	for _, r := range gone {
		s.hooks.emit(Write{Partition: p, Bucket: r.Bucket, ID: r.ID})
	}
	return len(gone), nil
}
