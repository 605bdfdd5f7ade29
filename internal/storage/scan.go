package storage

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Scans read a consistent snapshot taken when the scan starts: writes
// committed while a scan runs are not seen by it. They visit keys in byte
// order. The value slice passed to a callback aliases Pebble's memory and
// is valid only until the callback returns: copy it to keep it (decoding it
// into a struct is the usual use and needs no copy). A callback may return
// ErrStopScan to end the scan early with a nil result; any other error ends
// the scan and is returned wrapped. A callback may read the DB, but must not
// call Close (Close waits for the scan).

// Scan calls fn for every record of bucket in partition p, in id order.
func (db *DB) Scan(p int, bucket string, fn func(id string, value []byte) error) error {
	prefix, err := db.bucketPrefix(spaceRecord, p, bucket)
	if err != nil {
		return fmt.Errorf("storage: scan %d/%q: %w", p, bucket, err)
	}
	err = db.iterate(prefix, func(k, v []byte) error {
		return fn(string(k[len(prefix):]), v)
	})
	if err != nil {
		return fmt.Errorf("storage: scan %d/%q: %w", p, bucket, err)
	}
	return nil
}

// ScanIndex calls fn for every unique name of bucket in partition p, in name
// order, with the id the name points to.
func (db *DB) ScanIndex(p int, bucket string, fn func(name, id string) error) error {
	prefix, err := db.bucketPrefix(spaceIndex, p, bucket)
	if err != nil {
		return fmt.Errorf("storage: scan index %d/%q: %w", p, bucket, err)
	}
	err = db.iterate(prefix, func(k, v []byte) error {
		return fn(string(k[len(prefix):]), string(v))
	})
	if err != nil {
		return fmt.Errorf("storage: scan index %d/%q: %w", p, bucket, err)
	}
	return nil
}

// ScanPartition calls fn for every record of partition p, ordered by bucket
// then id: what handoff streams to a new owner and anti-entropy hashes.
func (db *DB) ScanPartition(p int, fn func(bucket, id string, value []byte) error) error {
	err := db.scanPartition(spaceRecord, p, fn)
	if err != nil {
		return fmt.Errorf("storage: scan partition %d: %w", p, err)
	}
	return nil
}

// ScanPartitionIndex calls fn for every unique name of partition p, ordered
// by bucket then name: the index half of a partition's handoff.
func (db *DB) ScanPartitionIndex(p int, fn func(bucket, name, id string) error) error {
	err := db.scanPartition(spaceIndex, p, func(bucket, name string, v []byte) error {
		return fn(bucket, name, string(v))
	})
	if err != nil {
		return fmt.Errorf("storage: scan partition index %d: %w", p, err)
	}
	return nil
}

// scanPartition walks one partition of one keyspace, splitting each key
// into bucket and id. Consecutive keys share their bucket string.
func (db *DB) scanPartition(space keyspace, p int, fn func(bucket, id string, value []byte) error) error {
	pp, err := db.checkPartition(p)
	if err != nil {
		return err
	}
	prefix := appendPartitionPrefix(nil, space, pp)
	var bucket string
	return db.iterate(prefix, func(k, v []byte) error {
		rest := k[len(prefix):]
		sep := bytes.IndexByte(rest, separator)
		if sep <= 0 || sep == len(rest)-1 {
			return fmt.Errorf("%w: %v key %q of partition %d", ErrCorrupt, space, k, p)
		}
		if string(rest[:sep]) != bucket { // no allocation for the comparison
			bucket = string(rest[:sep])
		}
		return fn(bucket, string(rest[sep+1:]), v)
	})
}

// bucketPrefix validates p and bucket and returns the prefix of the
// bucket's keys in space.
func (db *DB) bucketPrefix(space keyspace, p int, bucket string) ([]byte, error) {
	pp, err := db.checkPartition(p)
	if err != nil {
		return nil, err
	}
	if err := validateBucket(bucket); err != nil {
		return nil, err
	}
	return appendBucketPrefix(nil, space, pp, bucket), nil
}

// iterate calls fn for every key with prefix and its value, handling
// ErrStopScan. It holds the DB open for the duration.
func (db *DB) iterate(prefix []byte, fn func(k, v []byte) error) error {
	return db.walk(prefix, func(it *pebble.Iterator) error {
		v, err := it.ValueAndErr()
		if err != nil {
			return markCorruption(err)
		}
		return fn(it.Key(), v)
	})
}

// iterateKeys is iterate without loading values.
func (db *DB) iterateKeys(prefix []byte, fn func(k []byte) error) error {
	return db.walk(prefix, func(it *pebble.Iterator) error {
		return fn(it.Key())
	})
}

// walk positions an iterator on every key with prefix in turn.
func (db *DB) walk(prefix []byte, step func(it *pebble.Iterator) error) (err error) {
	if !db.enter() {
		return ErrClosed
	}
	defer db.exit()
	it, err := db.pdb.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := it.Close(); cerr != nil && err == nil {
			err = markCorruption(cerr)
		}
	}()
	for valid := it.First(); valid; valid = it.Next() {
		if err := step(it); err != nil {
			if errors.Is(err, ErrStopScan) {
				return nil
			}
			return err
		}
	}
	return markCorruption(it.Error())
}
