package engine

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/fifogo/fifo/internal/hashtree"
)

// ErrNotReady: the partition's tree has not been built yet.
var ErrNotReady = errors.New("aae: tree not ready")

// Key is the tree key of record bucket/id: bucket, 0x00, id. Keys of one
// partition sort like the store's scan (bucket, then id), so a scan
// yields them in the order hashtree.Build needs.
func Key(bucket, id string) string { return bucket + "\x00" + id }

// SplitKey returns the bucket and id of a tree key.
func SplitKey(key string) (bucket, id string, ok bool) {
	bucket, id, ok = strings.Cut(key, "\x00")
	return bucket, id, ok && bucket != "" && id != ""
}

// Trees holds the hash tree of each partition of a node. It is safe for
// concurrent use: each partition has its own lock, held for one update or
// one query.
type Trees struct {
	opts  hashtree.Options
	slots []slot
}

// slot is one partition's tree and build state.
type slot struct {
	mu   sync.Mutex
	tree *hashtree.Tree // nil until the first build finishes
	// building is set between BeginBuild and FinishBuild/AbortBuild;
	// pending then holds the writes seen since, latest per key (a nil
	// digest is a delete).
	building bool
	pending  map[string]*hashtree.Digest
	builtAt  time.Time
}

// NewTrees returns the trees of partitions partitions, none built yet.
func NewTrees(partitions int, opts hashtree.Options) (*Trees, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("aae trees: %w", err)
	}
	if partitions < 1 {
		return nil, fmt.Errorf("aae trees: %d partitions", partitions)
	}
	probe, err := hashtree.New(opts)
	if err != nil {
		return nil, err
	}
	// The shape with defaults filled in, as every built tree has it.
	return &Trees{opts: probe.Options(), slots: make([]slot, partitions)}, nil
}

// Partitions returns the number of partitions.
func (t *Trees) Partitions() int { return len(t.slots) }

// Options returns the trees' shape.
func (t *Trees) Options() hashtree.Options { return t.opts }

func (t *Trees) slot(p int) (*slot, error) {
	if p < 0 || p >= len(t.slots) {
		return nil, fmt.Errorf("aae: partition %d of %d", p, len(t.slots))
	}
	return &t.slots[p], nil
}

// Put records that key of partition p now has digest d.
func (t *Trees) Put(p int, key string, d hashtree.Digest) {
	t.update(p, key, &d)
}

// Delete records that key of partition p is gone.
func (t *Trees) Delete(p int, key string) {
	t.update(p, key, nil)
}

func (t *Trees) update(p int, key string, d *hashtree.Digest) {
	s, err := t.slot(p)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.building {
		s.pending[key] = d
	}
	if s.tree != nil {
		apply(s.tree, key, d)
	}
}

func apply(tr *hashtree.Tree, key string, d *hashtree.Digest) {
	if d == nil {
		tr.Delete(key)
	} else {
		tr.Put(key, *d)
	}
}

// BeginBuild starts recording partition p's writes for a build; call it
// before taking the scan that feeds hashtree.Build. It returns false when
// a build of p is already running.
func (t *Trees) BeginBuild(p int) bool {
	s, err := t.slot(p)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.building {
		return false
	}
	s.building, s.pending = true, map[string]*hashtree.Digest{}
	return true
}

// FinishBuild replays the writes recorded since BeginBuild on tree (built
// from a scan taken after BeginBuild) and makes it partition p's tree.
func (t *Trees) FinishBuild(p int, tree *hashtree.Tree, now time.Time) error {
	s, err := t.slot(p)
	if err != nil {
		return err
	}
	if tree.Options() != t.opts {
		return fmt.Errorf("aae: build of partition %d: %w", p, hashtree.ErrShape)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.building {
		return fmt.Errorf("aae: build of partition %d was not begun", p)
	}
	for k, d := range s.pending {
		apply(tree, k, d)
	}
	s.tree, s.builtAt = tree, now
	s.building, s.pending = false, nil
	return nil
}

// AbortBuild ends a build that failed; the old tree (if any) stays.
func (t *Trees) AbortBuild(p int) {
	if s, err := t.slot(p); err == nil {
		s.mu.Lock()
		s.building, s.pending = false, nil
		s.mu.Unlock()
	}
}

// Reset forgets every tree (they must be built again), as after the
// writes stopped being reported.
func (t *Trees) Reset() {
	for i := range t.slots {
		s := &t.slots[i]
		s.mu.Lock()
		s.tree, s.building, s.pending, s.builtAt = nil, false, nil, time.Time{}
		s.mu.Unlock()
	}
}

// BuiltAt returns when partition p's tree was built, and false when it has
// none.
func (t *Trees) BuiltAt(p int) (time.Time, bool) {
	s, err := t.slot(p)
	if err != nil {
		return time.Time{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.builtAt, s.tree != nil
}

// With runs fn on partition p's tree under its lock; ErrNotReady when it
// has none. fn must be quick and must not keep the tree.
func (t *Trees) With(p int, fn func(*hashtree.Tree) error) error {
	s, err := t.slot(p)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tree == nil {
		return fmt.Errorf("partition %d: %w", p, ErrNotReady)
	}
	return fn(s.tree)
}

// Oldest returns the partition whose tree is the oldest among those built
// before cutoff (a candidate for a rebuild), or false.
func (t *Trees) Oldest(cutoff time.Time) (int, bool) {
	best, found := 0, false
	var bestAt time.Time
	for p := range t.slots {
		at, ok := t.BuiltAt(p)
		if !ok || !at.Before(cutoff) {
			continue
		}
		if !found || at.Before(bestAt) {
			best, bestAt, found = p, at, true
		}
	}
	return best, found
}
