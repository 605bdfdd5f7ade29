package plan

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/fifogo/fifo/actors/store/recbatch"
)

// Watch records the keys written to the partitions being transferred, so
// that the writes that land after a transfer's scan took its snapshot are
// sent too. Each partition's set is bounded: past the limit it only
// remembers that it overflowed (the transfer then scans the partition
// again). It is safe for concurrent use: the store's write hook calls
// Note, the transfer calls Start, Take and Stop.
type Watch struct {
	limit int
	mu    sync.Mutex
	parts map[int]*watched
}

type watched struct {
	keys     map[recbatch.Key]struct{}
	overflow bool
}

// NewWatch returns a watch whose sets hold at most limit keys each.
func NewWatch(limit int) *Watch {
	return &Watch{limit: max(limit, 1), parts: map[int]*watched{}}
}

// Start begins recording partition p's writes (afresh if it was already).
func (w *Watch) Start(p int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.parts[p] = &watched{keys: map[recbatch.Key]struct{}{}}
}

// Stop ends recording partition p's writes.
func (w *Watch) Stop(p int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.parts, p)
}

// Note records a write of bucket/id to partition p, if p is watched.
func (w *Watch) Note(p int, bucket, id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.parts[p]
	if s == nil || s.overflow {
		return
	}
	if len(s.keys) >= w.limit {
		s.keys, s.overflow = nil, true
		return
	}
	s.keys[recbatch.Key{Bucket: bucket, ID: id}] = struct{}{}
}

// Take returns the keys written to p since Start or the previous Take,
// sorted, and whether the set overflowed (some keys were not kept), and
// starts a new set.
func (w *Watch) Take(p int) (keys []recbatch.Key, overflow bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.parts[p]
	if s == nil {
		return nil, false
	}
	keys = slices.SortedFunc(maps.Keys(s.keys), func(a, b recbatch.Key) int {
		if c := strings.Compare(a.Bucket, b.Bucket); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	overflow = s.overflow
	w.parts[p] = &watched{keys: map[recbatch.Key]struct{}{}}
	return keys, overflow
}
