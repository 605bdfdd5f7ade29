package storage

import (
	"encoding/binary"
	"errors"
	"hash/maphash"
	"sync"
)

// keyFilter answers "might this record exist?" without asking Pebble. It
// holds, per partition, a 64-bit hash of every record key the database may
// hold, so that a Get of a record that was never written (every write that
// creates a record reads it first, to merge into it) returns ErrNotFound
// at once instead of searching the memtables: Pebble's bloom filters only
// cover sstables, and a memtable seek was half of a vnode's CPU per write.
//
// Its one invariant is completeness: every record key in Pebble has its
// hash in the filter of a partition marked filled. A hash whose key is
// absent (a deleted record, a failed commit, a hash collision) costs only
// a Get, and so does every key of a partition not filled yet. So:
//
//   - Commit adds the hashes of a batch's Puts before Pebble applies the
//     batch, from Open on, so no reader can see a record the filter has
//     not;
//   - after Open, a goroutine scans each partition's record keys into a
//     set of its own, then adds that set to the partition's and marks it
//     filled: a record is either in Pebble when the scan's snapshot is
//     taken (the scan finds it) or committed after (its Commit added it);
//   - nothing ever removes a hash: deletes leave stale hashes until the
//     next Open, which forgets them.
//
// Every record write goes through Batch and Commit (the Pebble handle is
// private to this package), so nothing can write around the filter. The
// memory cost is about 10 bytes per key (a Go map of uint64); the fill
// reads every record once (about 2 to 7 µs a record on the 2-core build
// VM: seconds for a million), in the background so that Open does not
// wait for it.
type keyFilter struct {
	seed   maphash.Seed
	parts  []filterPart
	filled chan struct{} // closed when the fill goroutine has ended
}

// filterPart is one partition's hashes.
type filterPart struct {
	mu     sync.RWMutex
	filled bool // hashes holds every key in Pebble
	hashes map[uint64]struct{}
}

// keyAdd is a record key a batch puts: its partition and hash.
type keyAdd struct {
	p int
	h uint64
}

func newKeyFilter(partitions int) *keyFilter {
	f := &keyFilter{seed: maphash.MakeSeed(), parts: make([]filterPart, partitions), filled: make(chan struct{})}
	for i := range f.parts {
		f.parts[i].hashes = map[uint64]struct{}{}
	}
	return f
}

// hash returns the filter hash of an encoded record key.
func (f *keyFilter) hash(k []byte) uint64 { return maphash.Bytes(f.seed, k) }

// mayExist reports whether the record with encoded (valid) key k may be
// in the database. false means it certainly is not, as of the last Commit
// that returned.
func (f *keyFilter) mayExist(k []byte) bool {
	h := f.hash(k)
	fp := &f.parts[binary.BigEndian.Uint16(k[1:headerLen])]
	fp.mu.RLock()
	_, ok := fp.hashes[h]
	ok = ok || !fp.filled
	fp.mu.RUnlock()
	return ok
}

// add records keys a batch is about to apply. Batches usually touch one
// partition, so the lock is taken once per run of equal partitions.
func (f *keyFilter) add(adds []keyAdd) {
	for i := 0; i < len(adds); {
		fp := &f.parts[adds[i].p]
		fp.mu.Lock()
		for ; i < len(adds) && &f.parts[adds[i].p] == fp; i++ {
			fp.hashes[adds[i].h] = struct{}{}
		}
		fp.mu.Unlock()
	}
}

// size returns the number of hashes held for partition p.
func (f *keyFilter) size(p int) int {
	fp := &f.parts[p]
	fp.mu.RLock()
	defer fp.mu.RUnlock()
	return len(fp.hashes)
}

// fillKeyFilter fills the filter partition by partition, then closes
// db.filter.filled. Open starts it; it stops early, leaving partitions
// unfilled (and so read from Pebble), when the DB closes or a scan fails.
// before, if not nil, is called before each partition's scan.
func (db *DB) fillKeyFilter(before func(p int)) {
	defer close(db.filter.filled)
	f := db.filter
	for p := range f.parts {
		if before != nil {
			before(p)
		}
		found := map[uint64]struct{}{}
		prefix := appendPartitionPrefix(nil, spaceRecord, uint16(p))
		err := db.iterateKeys(prefix, func(k []byte) error {
			found[f.hash(k)] = struct{}{}
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrClosed) {
				db.log.Warn("store key filter not filled; reads of missing records search pebble",
					"partition", p, "err", err)
			}
			return
		}
		fp := &f.parts[p]
		fp.mu.Lock()
		for h := range found {
			fp.hashes[h] = struct{}{}
		}
		fp.filled = true
		fp.mu.Unlock()
	}
}
