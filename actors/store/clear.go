package store

import "fmt"

// Clear removes every record, unique name and quarantined record of the
// node's store, partition by partition, each in one synced commit under
// the partition's lock (so no write is half applied across it). A node
// does it when it joins a cluster: its data of a cluster of one would
// otherwise merge back into the cluster's by handoff. Write hooks are
// not told: nothing should watch the store of a node that joins.
func (s *Service) Clear() error {
	for p := range s.parts {
		part := &s.parts[p]
		part.lock.Lock()
		b := s.db.NewBatch()
		err := b.DeletePartition(p)
		if err == nil {
			err = s.db.Commit(b, true)
		}
		part.lock.Unlock()
		if err != nil {
			return fmt.Errorf("clear partition %d: %w", p, err)
		}
	}
	return nil
}
