package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fifogo/fifo/internal/hashtree"
)

// MaxSegmentsPerQuery bounds the segments one Answer returns: the
// initiator asks about differing segments at most this many at a time.
const MaxSegmentsPerQuery = 64

// Reply is the answer to one query of an exchange: for a query above the
// segments, the answerer's hashes of the children of the nodes that differ
// (Level); for a query of segments, the segments that differ.
type Reply struct {
	// Level holds the children's hashes; empty Nodes when nothing differs.
	Level hashtree.Level
	// Segments holds the differing segments of a segment-level query.
	Segments []hashtree.Segment
}

// Answer is the answering side of an exchange: it compares the
// initiator's level with tree and answers for the nodes that differ.
func Answer(tree *hashtree.Tree, q hashtree.Level) (Reply, error) {
	diff, err := tree.Compare(q)
	if err != nil {
		return Reply{}, err
	}
	if q.Depth < tree.Depth()-1 {
		if len(diff) == 0 {
			return Reply{Level: hashtree.Level{Shape: tree.Options(), Depth: q.Depth + 1}}, nil
		}
		l, err := tree.Expand(q.Depth, diff)
		return Reply{Level: l}, err
	}
	if len(diff) > MaxSegmentsPerQuery {
		return Reply{}, fmt.Errorf("%w: %d segments asked, limit %d", hashtree.ErrInvalid, len(diff), MaxSegmentsPerQuery)
	}
	r := Reply{Segments: make([]hashtree.Segment, 0, len(diff))}
	for _, s := range diff {
		seg, err := tree.Segment(s)
		if err != nil {
			return Reply{}, err
		}
		r.Segments = append(r.Segments, seg)
	}
	return r, nil
}

// Query asks the other replica one question of an exchange (it runs
// Answer there).
type Query func(hashtree.Level) (Reply, error)

// Walk is the initiating side of an exchange of one partition: with
// local, a function that runs fn on the local tree under its lock (such
// as a Trees.With bound to the partition), it queries the other replica
// down the levels and returns the keys that differ, sorted, as seen from
// local. Queries run outside the lock, so writes go on during the walk.
func Walk(local func(fn func(*hashtree.Tree) error) error, query Query) ([]hashtree.Difference, error) {
	var (
		q     hashtree.Level
		depth int
	)
	if err := local(func(t *hashtree.Tree) error {
		q, depth = t.Top(), t.Depth()
		return nil
	}); err != nil {
		return nil, err
	}
	for q.Depth < depth-1 {
		r, err := query(q)
		if err != nil {
			return nil, err
		}
		if r.Level.Depth != q.Depth+1 {
			return nil, fmt.Errorf("%w: answer of level %d to a query of level %d", hashtree.ErrCorrupt, r.Level.Depth, q.Depth)
		}
		if len(r.Level.Nodes) == 0 {
			return nil, nil
		}
		var next hashtree.Level
		err = local(func(t *hashtree.Tree) error {
			diff, err := t.Compare(r.Level)
			if err != nil || len(diff) == 0 {
				next = hashtree.Level{Depth: r.Level.Depth}
				return err
			}
			next, err = pick(t, r.Level.Depth, diff)
			return err
		})
		if err != nil {
			return nil, err
		}
		if len(next.Nodes) == 0 {
			return nil, nil
		}
		q = next
	}
	var out []hashtree.Difference
	for chunk := range slices.Chunk(indexes(len(q.Nodes)), MaxSegmentsPerQuery) {
		part := hashtree.Level{Shape: q.Shape, Depth: q.Depth}
		for _, i := range chunk {
			part.Nodes = append(part.Nodes, q.Nodes[i])
			part.Hashes = append(part.Hashes, q.Hashes[i])
		}
		r, err := query(part)
		if err != nil {
			return nil, err
		}
		for _, seg := range r.Segments {
			if !slices.Contains(part.Nodes, seg.Index) {
				return nil, fmt.Errorf("%w: segment %d was not asked", hashtree.ErrCorrupt, seg.Index)
			}
			err := local(func(t *hashtree.Tree) error {
				d, err := t.DiffSegment(seg)
				out = append(out, d...)
				return err
			})
			if err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(out, func(a, b hashtree.Difference) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// pick returns t's hashes of nodes (strictly increasing) of level depth.
func pick(t *hashtree.Tree, depth int, nodes []int) (hashtree.Level, error) {
	if depth == 0 {
		return t.Top(), nil
	}
	fan := t.Options().Fanout
	var parents []int
	for _, n := range nodes {
		if p := n / fan; len(parents) == 0 || parents[len(parents)-1] != p {
			parents = append(parents, p)
		}
	}
	all, err := t.Expand(depth-1, parents)
	if err != nil {
		return hashtree.Level{}, err
	}
	out := hashtree.Level{Shape: all.Shape, Depth: depth}
	for i, n := range all.Nodes {
		if _, found := slices.BinarySearch(nodes, n); found {
			out.Nodes = append(out.Nodes, n)
			out.Hashes = append(out.Hashes, all.Hashes[i])
		}
	}
	return out, nil
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
