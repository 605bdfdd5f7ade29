package store

import "fmt"

// FoldBucket calls fn for every record of bucket in partition p, in id
// order, from a snapshot taken when it starts. The value is valid only
// during the call. It is what a coordinator of the replicated store reads
// of one replica to list a bucket.
func (s *Service) FoldBucket(p int, bucket string, fn func(id string, value []byte) error) error {
	if err := s.db.Scan(p, bucket, fn); err != nil {
		return fmt.Errorf("fold partition %d bucket %s: %w", p, bucket, storeErr(err))
	}
	return nil
}
