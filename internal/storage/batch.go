package storage

import (
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Batch collects writes that DB.Commit applies atomically: all or none,
// visible to readers at once. A vnode fills one Batch per actor turn and
// commits it with sync = true before acknowledging (group commit).
//
// Each method validates its key and, on error, leaves the batch unchanged,
// so one bad request does not spoil the others of a turn. Later writes to
// the same key in one batch win. A Batch is not safe for concurrent use.
type Batch struct {
	db      *DB
	pb      *pebble.Batch
	n       int
	scratch []byte            // key buffer; Pebble copies keys and values
	entries []QuarantineEntry // quarantines in this batch, for OnQuarantine
	adds    []keyAdd          // record keys put, for the key filter
}

// NewBatch returns an empty batch for this DB. It may be reused after
// Commit or Reset.
func (db *DB) NewBatch() *Batch {
	return &Batch{db: db, pb: db.pdb.NewBatch()}
}

// Len returns the number of writes in the batch (one per successful Put,
// Delete, PutIndex, DeleteIndex, Quarantine or DeleteQuarantined call).
func (b *Batch) Len() int { return b.n }

// Size returns the batch's encoded size in bytes, to cap a turn's batch.
func (b *Batch) Size() int { return len(b.pb.Repr()) }

// Reset empties the batch for reuse.
func (b *Batch) Reset() {
	b.pb.Reset()
	b.n = 0
	b.entries = b.entries[:0]
	b.adds = b.adds[:0]
}

// Put sets the value of record (bucket, id) in partition p. The value is
// copied into the batch.
func (b *Batch) Put(p int, bucket, id string, value []byte) error {
	k, err := b.db.makeKey(b.scratch[:0], spaceRecord, p, bucket, "id", id)
	if err != nil {
		return fmt.Errorf("storage: batch put %d/%q/%q: %w", p, bucket, id, err)
	}
	b.scratch = k
	if err := b.pb.Set(k, value, nil); err != nil {
		return fmt.Errorf("storage: batch put %d/%q/%q: %w", p, bucket, id, err)
	}
	b.adds = append(b.adds, keyAdd{p: p, h: b.db.filter.hash(k)})
	b.n++
	return nil
}

// Delete removes record (bucket, id) from partition p. Deleting a missing
// record is not an error.
func (b *Batch) Delete(p int, bucket, id string) error {
	k, err := b.db.makeKey(b.scratch[:0], spaceRecord, p, bucket, "id", id)
	if err != nil {
		return fmt.Errorf("storage: batch delete %d/%q/%q: %w", p, bucket, id, err)
	}
	b.scratch = k
	if err := b.pb.Delete(k, nil); err != nil {
		return fmt.Errorf("storage: batch delete %d/%q/%q: %w", p, bucket, id, err)
	}
	b.n++
	return nil
}

// PutIndex points the unique name (bucket, name) of partition p at id.
// Partition p is normally PartitionOfName(bucket, name, …), not the record's
// partition. The batch does not check that the name is free: the owning
// vnode claims names one turn at a time and checks with GetIndex.
func (b *Batch) PutIndex(p int, bucket, name, id string) error {
	if err := validateID("id", id); err != nil {
		return fmt.Errorf("storage: batch put index %d/%q/%q: %w", p, bucket, name, err)
	}
	k, err := b.db.makeKey(b.scratch[:0], spaceIndex, p, bucket, "name", name)
	if err != nil {
		return fmt.Errorf("storage: batch put index %d/%q/%q: %w", p, bucket, name, err)
	}
	b.scratch = k
	if err := b.pb.Set(k, []byte(id), nil); err != nil {
		return fmt.Errorf("storage: batch put index %d/%q/%q: %w", p, bucket, name, err)
	}
	b.n++
	return nil
}

// DeleteIndex removes the unique name (bucket, name) from partition p.
func (b *Batch) DeleteIndex(p int, bucket, name string) error {
	k, err := b.db.makeKey(b.scratch[:0], spaceIndex, p, bucket, "name", name)
	if err != nil {
		return fmt.Errorf("storage: batch delete index %d/%q/%q: %w", p, bucket, name, err)
	}
	b.scratch = k
	if err := b.pb.Delete(k, nil); err != nil {
		return fmt.Errorf("storage: batch delete index %d/%q/%q: %w", p, bucket, name, err)
	}
	b.n++
	return nil
}

// Quarantine moves record (bucket, id) of partition p out of the records
// keyspace: it deletes the record and stores raw (the bytes that failed to
// decode), reason and at under a quarantine key. Reasons longer than
// MaxReasonLen are cut; at must lie in years 1..9999. A record quarantined
// again replaces its earlier entry. Once the batch commits, OnQuarantine is
// called with the entry.
func (b *Batch) Quarantine(p int, bucket, id string, raw []byte, reason string, at time.Time) error {
	if err := checkQuarantineTime(at); err != nil {
		return fmt.Errorf("storage: batch quarantine %d/%q/%q: %w", p, bucket, id, err)
	}
	k, err := b.db.makeKey(b.scratch[:0], spaceRecord, p, bucket, "id", id)
	if err != nil {
		return fmt.Errorf("storage: batch quarantine %d/%q/%q: %w", p, bucket, id, err)
	}
	reason = clipReason(reason)
	at = at.UTC()
	// The record delete and the quarantine set commit together.
	if err := b.pb.Delete(k, nil); err != nil {
		return fmt.Errorf("storage: batch quarantine %d/%q/%q: %w", p, bucket, id, err)
	}
	k[0] = byte(spaceQuarantine) // same layout, other keyspace
	b.scratch = k
	v := encodeQuarantine(make([]byte, 0, quarantineFixedLen+4+len(reason)+len(raw)),
		quarantineValue{at: at, reason: reason, raw: raw})
	if err := b.pb.Set(k, v, nil); err != nil {
		return fmt.Errorf("storage: batch quarantine %d/%q/%q: %w", p, bucket, id, err)
	}
	b.n++
	b.entries = append(b.entries, QuarantineEntry{
		Partition: p, Bucket: bucket, ID: id, Reason: reason, At: at, Size: len(raw),
	})
	return nil
}

// DeleteQuarantined drops the quarantine entry of record (bucket, id) of
// partition p, once an operator has dealt with it.
func (b *Batch) DeleteQuarantined(p int, bucket, id string) error {
	k, err := b.db.makeKey(b.scratch[:0], spaceQuarantine, p, bucket, "id", id)
	if err != nil {
		return fmt.Errorf("storage: batch delete quarantined %d/%q/%q: %w", p, bucket, id, err)
	}
	b.scratch = k
	if err := b.pb.Delete(k, nil); err != nil {
		return fmt.Errorf("storage: batch delete quarantined %d/%q/%q: %w", p, bucket, id, err)
	}
	b.n++
	return nil
}

// Commit applies b atomically. With sync = true it returns only after the
// write-ahead log is synced to disk, so the writes survive a crash or power
// loss: acknowledge a write only after a synced Commit. With sync = false
// the writes are visible at once but a crash may lose them.
//
// Concurrent synced commits share fsyncs (Pebble's group commit), so many
// vnodes committing at once cost little more than one. An empty batch
// commits nothing and does no I/O.
//
// Whatever the outcome, b is reset and can be reused (except when it
// belongs to another DB: ErrForeignBatch, b untouched). After a successful
// commit the OnQuarantine hook is called for each quarantine in b, in order.
func (db *DB) Commit(b *Batch, sync bool) error {
	if b.db != db {
		return fmt.Errorf("storage: commit: %w", ErrForeignBatch)
	}
	defer b.Reset()
	if !db.enter() {
		return fmt.Errorf("storage: commit %d writes: %w", b.n, ErrClosed)
	}
	if b.n == 0 {
		db.exit()
		return nil
	}
	wo := pebble.NoSync
	if sync {
		wo = pebble.Sync
	}
	// The filter learns of new records before anyone can read them.
	db.filter.add(b.adds)
	err := db.pdb.Apply(b.pb, wo)
	db.exit()
	if err != nil {
		return fmt.Errorf("storage: commit %d writes: %w", b.n, markCorruption(err))
	}
	if db.onQuarantine != nil {
		for _, e := range b.entries {
			db.onQuarantine(e)
		}
	}
	return nil
}

// DeletePartition removes every record, unique name and quarantine entry of
// partition p: what a vnode does once handoff has moved the partition to
// its new owner. It is a few range deletions, cheap whatever the size.
func (b *Batch) DeletePartition(p int) error {
	pp, err := b.db.checkPartition(p)
	if err != nil {
		return fmt.Errorf("storage: batch delete partition %d: %w", p, err)
	}
	for _, space := range []keyspace{spaceRecord, spaceIndex, spaceQuarantine} {
		start := appendPartitionPrefix(nil, space, pp)
		if err := b.pb.DeleteRange(start, prefixEnd(start), nil); err != nil {
			return fmt.Errorf("storage: batch delete partition %d: %w", p, err)
		}
	}
	b.n++
	return nil
}
