package store

import "fmt"

// Clear removes every record, unique name and quarantined record of the
// node's store, partition by partition, each in one synced commit under
// the partition's lock (so no write is half applied across it). A node
// does it when it joins a cluster: its data of a cluster of one would
// otherwise merge back into the cluster's by handoff. Write hooks see
// the removal of every record (anti-entropy's trees would otherwise keep
// the keys and find the same differences in every exchange).
func (s *Service) Clear() error {
	for p := range s.parts {
		part := &s.parts[p]
		part.lock.Lock()
		var gone []Write
		var err error
		if s.hooks.active() {
			err = s.db.ScanPartition(p, func(bucket, id string, _ []byte) error {
				gone = append(gone, Write{Partition: p, Bucket: bucket, ID: id})
				return nil
			})
		}
		b := s.db.NewBatch()
		if err == nil {
			err = b.DeletePartition(p)
		}
		if err == nil {
			err = s.db.Commit(b, true)
		}
		if err == nil {
			for _, w := range gone {
				s.hooks.emit(w)
			}
		}
		part.lock.Unlock()
		if err != nil {
			return fmt.Errorf("clear partition %d: %w", p, err)
		}
	}
	return nil
}
