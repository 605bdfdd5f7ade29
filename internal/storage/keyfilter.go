package storage

import (
	"encoding/binary"
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
// hash in the filter. A hash in the filter whose key is absent (a deleted
// record, a failed commit, a hash collision) costs only a Get. So:
//
//   - Open fills it from a scan of every record key, before the DB is
//     returned (nothing else runs yet);
//   - Commit adds the hashes of a batch's Puts before Pebble applies the
//     batch, so no reader can see a record that the filter has not;
//   - nothing ever removes a hash: deletes leave stale hashes until the
//     next Open, which forgets them.
//
// Every record write goes through Batch and Commit (the Pebble handle is
// private to this package), so nothing can write around the filter. The
// memory cost is about 10 bytes per key (a Go map of uint64).
type keyFilter struct {
	seed  maphash.Seed
	parts []filterPart
}

// filterPart is one partition's hashes.
type filterPart struct {
	mu     sync.RWMutex
	hashes map[uint64]struct{}
}

// keyAdd is a record key a batch puts: its partition and hash.
type keyAdd struct {
	p int
	h uint64
}

func newKeyFilter(partitions int) *keyFilter {
	f := &keyFilter{seed: maphash.MakeSeed(), parts: make([]filterPart, partitions)}
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

// fillKeyFilter adds every record key in the database to a new filter. It
// runs in Open, before any write. Keys too short to hold a partition, or
// of a partition out of range, are skipped: no Get can ask for them.
func (db *DB) fillKeyFilter() error {
	f := newKeyFilter(db.partitions)
	err := db.iterateKeys(keyspacePrefix(spaceRecord), func(k []byte) error {
		if len(k) < headerLen {
			return nil
		}
		if p := int(binary.BigEndian.Uint16(k[1:headerLen])); p < db.partitions {
			f.parts[p].hashes[f.hash(k)] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.filter = f
	return nil
}
