package store

import (
	"fmt"

	"github.com/fifogo/fifo/actors/store/recbatch"
)

// Partitions returns the number of partitions of the node's store.
func (s *Service) Partitions() int { return s.db.Partitions() }

// PartitionOf returns the partition of record bucket/id.
func (s *Service) PartitionOf(bucket, id string) int { return s.db.PartitionOf(bucket, id) }

// FoldPartition calls fn for every record of partition p, ordered by
// bucket then id, from a snapshot taken when it starts: writes applied
// meanwhile are not seen (register a WriteHook first to learn of them).
// The value is valid only during the call. It is what handoff streams and
// anti-entropy hashes; fn may return storage.ErrStopScan to stop early.
func (s *Service) FoldPartition(p int, fn func(bucket, id string, value []byte) error) error {
	if err := s.db.ScanPartition(p, fn); err != nil {
		return fmt.Errorf("fold partition %d: %w", p, err)
	}
	return nil
}

// FoldPartitionNames calls fn for every unique name of partition p (the
// names whose claims this partition's vnode serves), ordered by bucket
// then name, from a snapshot.
func (s *Service) FoldPartitionNames(p int, fn func(bucket, name, id string) error) error {
	if err := s.db.ScanPartitionIndex(p, fn); err != nil {
		return fmt.Errorf("fold partition %d names: %w", p, err)
	}
	return nil
}

// Lookup returns the stored value of record bucket/id of partition p and
// whether it exists, without the codec's check.
func (s *Service) Lookup(p int, bucket, id string) ([]byte, bool, error) {
	v, ok, err := s.db.Lookup(p, bucket, id)
	if err != nil {
		return nil, false, fmt.Errorf("lookup %d/%s/%s: %w", p, bucket, id, storeErr(err))
	}
	return v, ok, nil
}

// LookupMany returns the records of keys that exist in partition p, in
// the order of keys (missing ones left out).
func (s *Service) LookupMany(p int, keys []recbatch.Key) ([]recbatch.Record, error) {
	out := make([]recbatch.Record, 0, len(keys))
	for _, k := range keys {
		v, ok, err := s.Lookup(p, k.Bucket, k.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, recbatch.Record{Bucket: k.Bucket, ID: k.ID, Value: v})
		}
	}
	return out, nil
}
