package store

import (
	"sync"
	"sync/atomic"

	"github.com/fifogo/fifo/internal/storage"
)

// Write is one change the store applied to a record: its new value, or
// nil when the record is gone (deleted, quarantined, dropped).
type Write struct {
	// Partition is the record's partition.
	Partition int
	// Bucket and ID name the record.
	Bucket, ID string
	// Value is the record's value after the write; nil when it is gone.
	// It belongs to the store: read it during the call, never keep it.
	Value []byte
}

// WriteHook observes the writes a node's store applies, for what must
// follow every write: anti-entropy's hash trees, handoff's record of keys
// written during a transfer.
//
// A hook runs on the partition's worker goroutine, in commit order within
// a partition (never two at once for one partition; different partitions
// run concurrently), after the write is committed and visible, before it
// is synced. It must be quick, must not block and must not call the store.
type WriteHook func(Write)

// hooks is the Service's set of write hooks, copy on write: the workers
// read it without a lock on every commit.
type hooks struct {
	mu   sync.Mutex // serialises changes of list
	next uint64
	list atomic.Pointer[[]hookEntry]
}

type hookEntry struct {
	id uint64
	fn WriteHook
}

// AddWriteHook registers h for every write applied from now on, on every
// partition; call the returned function to remove it. Writes committed
// before AddWriteHook returns may or may not be seen by h: a hook that
// needs a consistent start scans after registering (see FoldPartition).
func (s *Service) AddWriteHook(h WriteHook) (remove func()) {
	return s.hooks.add(h)
}

func (hs *hooks) add(fn WriteHook) func() {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.next++
	id := hs.next
	var list []hookEntry
	if cur := hs.list.Load(); cur != nil {
		list = append(list, *cur...)
	}
	list = append(list, hookEntry{id: id, fn: fn})
	hs.list.Store(&list)
	return func() {
		hs.mu.Lock()
		defer hs.mu.Unlock()
		cur := hs.list.Load()
		if cur == nil {
			return
		}
		var rest []hookEntry
		for _, e := range *cur {
			if e.id != id {
				rest = append(rest, e)
			}
		}
		hs.list.Store(&rest)
	}
}

// active reports whether any hook is registered.
func (hs *hooks) active() bool {
	l := hs.list.Load()
	return l != nil && len(*l) > 0
}

// emit calls every hook with w.
func (hs *hooks) emit(w Write) {
	l := hs.list.Load()
	if l == nil {
		return
	}
	for _, e := range *l {
		e.fn(w)
	}
}

// applied reports one committed request of partition p to the hooks: the
// value an ApplyReq left, the removal a DeleteReq made, and for a
// QuarantineReq (which may or may not have moved the record aside) the
// record's value as the commit left it. Name claims change no record.
func (hs *hooks) applied(db *storage.DB, p int, req, reply any) {
	switch r := req.(type) {
	case ApplyReq:
		if resp, ok := reply.(ApplyResp); ok {
			hs.emit(Write{Partition: p, Bucket: r.Bucket, ID: r.ID, Value: resp.Value})
		}
	case DeleteReq:
		hs.emit(Write{Partition: p, Bucket: r.Bucket, ID: r.ID})
	case QuarantineReq:
		v, _, err := db.Lookup(p, r.Bucket, r.ID)
		if err == nil {
			hs.emit(Write{Partition: p, Bucket: r.Bucket, ID: r.ID, Value: v})
		}
	}
}
