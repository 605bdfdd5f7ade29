package hashtree

import (
	"fmt"
	"iter"
	"slices"
	"strings"
)

// Tree is the hash tree of one partition's records: every key hashes into
// one of Options.Segments segments, a segment's hash sums its entries'
// hashes, and each inner node sums its children's (see sum). The tree
// keeps every (key, digest) entry, sorted per segment, so that it can list
// a segment for comparison on its own: about 60 bytes a key plus the key.
// A Tree is not safe for concurrent use.
type Tree struct {
	opts     Options
	levels   [][]sum   // levels[0] is the root, levels[len-1] the segments
	segments [][]entry // per segment, sorted by key
	n        int
}

// entry is one key and its digest.
type entry struct {
	key    string
	digest Digest
}

// New returns an empty tree of the given shape.
func New(opts Options) (*Tree, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	t := &Tree{opts: opts, segments: make([][]entry, opts.Segments)}
	for _, n := range opts.levelSizes() {
		t.levels = append(t.levels, make([]sum, n))
	}
	return t, nil
}

// Build returns a tree of every (key, digest) of seq, which must yield
// keys in strictly increasing order (a partition scan does): anything
// else is ErrOrder, and a sign of a broken scan. Each entry costs one
// append and one update per level, no search.
func Build(opts Options, seq iter.Seq2[string, Digest]) (*Tree, error) {
	t, err := New(opts)
	if err != nil {
		return nil, err
	}
	prev, first := "", true
	for k, d := range seq {
		if !first && k <= prev {
			return nil, fmt.Errorf("%w: %q after %q", ErrOrder, k, prev)
		}
		prev, first = k, false
		s := segmentOf(k, t.opts.Segments)
		t.segments[s] = append(t.segments[s], entry{key: k, digest: d})
		t.addPath(s, entryHash(k, d))
		t.n++
	}
	return t, nil
}

// Options returns the tree's shape, defaults filled in.
func (t *Tree) Options() Options { return t.opts }

// Len returns the number of keys.
func (t *Tree) Len() int { return t.n }

// Depth returns the number of levels: the root is level 0, the segments
// level Depth()-1.
func (t *Tree) Depth() int { return len(t.levels) }

// Root returns the hash of the whole tree. Two trees of the same shape
// with equal roots hold the same entries (up to a 2^-128 accident).
func (t *Tree) Root() Hash { return t.levels[0][0].hash() }

// Put sets key's digest, adding the key if it is new.
func (t *Tree) Put(key string, d Digest) {
	s := segmentOf(key, t.opts.Segments)
	seg := t.segments[s]
	i, found := find(seg, key)
	if found {
		if seg[i].digest == d {
			return
		}
		t.subPath(s, entryHash(key, seg[i].digest))
		seg[i].digest = d
	} else {
		t.segments[s] = slices.Insert(seg, i, entry{key: key, digest: d})
		t.n++
	}
	t.addPath(s, entryHash(key, d))
}

// Delete removes key; a missing key is a no-op.
func (t *Tree) Delete(key string) {
	s := segmentOf(key, t.opts.Segments)
	seg := t.segments[s]
	i, found := find(seg, key)
	if !found {
		return
	}
	t.subPath(s, entryHash(key, seg[i].digest))
	t.segments[s] = slices.Delete(seg, i, i+1)
	t.n--
}

// Get returns key's digest.
func (t *Tree) Get(key string) (Digest, bool) {
	seg := t.segments[segmentOf(key, t.opts.Segments)]
	if i, found := find(seg, key); found {
		return seg[i].digest, true
	}
	return Digest{}, false
}

// All yields every (key, digest), segment by segment, each segment in key
// order.
func (t *Tree) All() iter.Seq2[string, Digest] {
	return func(yield func(string, Digest) bool) {
		for _, seg := range t.segments {
			for _, e := range seg {
				if !yield(e.key, e.digest) {
					return
				}
			}
		}
	}
}

// find returns where key is, or would be inserted, in a sorted segment.
func find(seg []entry, key string) (int, bool) {
	return slices.BinarySearchFunc(seg, key, func(e entry, k string) int { return strings.Compare(e.key, k) })
}

// addPath adds h to segment s and each of its ancestors.
func (t *Tree) addPath(s int, h sum) {
	for l := len(t.levels) - 1; l >= 0; l-- {
		t.levels[l][s] = t.levels[l][s].add(h)
		s /= t.opts.Fanout
	}
}

// subPath subtracts h from segment s and each of its ancestors.
func (t *Tree) subPath(s int, h sum) {
	for l := len(t.levels) - 1; l >= 0; l-- {
		t.levels[l][s] = t.levels[l][s].sub(h)
		s /= t.opts.Fanout
	}
}
