package hashtree

import (
	"fmt"
	"slices"
	"strings"
)

// Level is the wire form of some nodes of one level of a tree: Hashes[i]
// is the hash of node Nodes[i] at level Depth. Two nodes compare their
// trees by trading Levels top down, each time only the children of the
// nodes that differed, then trading the Segments that differ.
type Level struct {
	// Shape is the sender's tree shape; a receiver of another shape
	// refuses the message (ErrShape).
	Shape Options
	// Depth is the level: 0 the root, Tree.Depth()-1 the segments.
	Depth int
	// Nodes are node indexes within the level, strictly increasing.
	Nodes []int
	// Hashes are the sender's hashes of Nodes, one each.
	Hashes []Hash
}

// Segment is the wire form of one segment's entries.
type Segment struct {
	// Shape is the sender's tree shape.
	Shape Options
	// Index is the segment.
	Index int
	// Keys are the segment's keys, strictly increasing.
	Keys []string
	// Digests are the keys' digests, one each.
	Digests []Digest
}

// Difference is one key on which two trees disagree.
type Difference struct {
	// Key is the key.
	Key string
	// Local is the local digest, if InLocal.
	Local Digest
	// Remote is the remote digest, if InRemote.
	Remote Digest
	// InLocal and InRemote say which side holds the key; when both do, the
	// digests differ.
	InLocal, InRemote bool
}

// Top returns the first message of an exchange: the root.
func (t *Tree) Top() Level {
	return Level{Shape: t.opts, Depth: 0, Nodes: []int{0}, Hashes: []Hash{t.Root()}}
}

// Compare returns the nodes of the remote level whose hash differs from
// t's, in order. The message must have t's shape and name nodes that
// exist.
func (t *Tree) Compare(remote Level) ([]int, error) {
	if err := t.checkLevel(remote); err != nil {
		return nil, err
	}
	var diff []int
	for i, n := range remote.Nodes {
		if t.levels[remote.Depth][n].hash() != remote.Hashes[i] {
			diff = append(diff, n)
		}
	}
	return diff, nil
}

// Expand returns the level below depth restricted to the children of
// nodes (nodes of level depth, strictly increasing), with t's hashes: the
// answer to nodes that differed. depth must be above the segments.
func (t *Tree) Expand(depth int, nodes []int) (Level, error) {
	if depth < 0 || depth >= len(t.levels)-1 {
		return Level{}, fmt.Errorf("%w: expand level %d of a %d-level tree", ErrInvalid, depth, len(t.levels))
	}
	if err := checkNodes(nodes, len(t.levels[depth])); err != nil {
		return Level{}, fmt.Errorf("%w: expand level %d: %v", ErrInvalid, depth, err)
	}
	below := t.levels[depth+1]
	out := Level{Shape: t.opts, Depth: depth + 1}
	for _, n := range nodes {
		for c := n * t.opts.Fanout; c < min((n+1)*t.opts.Fanout, len(below)); c++ {
			out.Nodes = append(out.Nodes, c)
			out.Hashes = append(out.Hashes, below[c].hash())
		}
	}
	return out, nil
}

// Segment returns segment s's entries.
func (t *Tree) Segment(s int) (Segment, error) {
	if s < 0 || s >= t.opts.Segments {
		return Segment{}, fmt.Errorf("%w: segment %d of %d", ErrInvalid, s, t.opts.Segments)
	}
	seg := t.segments[s]
	out := Segment{Shape: t.opts, Index: s, Keys: make([]string, len(seg)), Digests: make([]Digest, len(seg))}
	for i, e := range seg {
		out.Keys[i], out.Digests[i] = e.key, e.digest
	}
	return out, nil
}

// DiffSegment compares the remote entries of one segment with t's and
// returns the keys that differ, in key order: keys on one side only and
// keys with different digests.
func (t *Tree) DiffSegment(remote Segment) ([]Difference, error) {
	if err := checkSegment(remote); err != nil {
		return nil, err
	}
	if remote.Shape != t.opts {
		return nil, fmt.Errorf("%w: segment of %+v, tree is %+v", ErrShape, remote.Shape, t.opts)
	}
	local := t.segments[remote.Index]
	var out []Difference
	i, j := 0, 0
	for i < len(local) || j < len(remote.Keys) {
		var c int
		switch {
		case i == len(local):
			c = 1
		case j == len(remote.Keys):
			c = -1
		default:
			c = strings.Compare(local[i].key, remote.Keys[j])
		}
		switch {
		case c < 0:
			out = append(out, Difference{Key: local[i].key, Local: local[i].digest, InLocal: true})
			i++
		case c > 0:
			out = append(out, Difference{Key: remote.Keys[j], Remote: remote.Digests[j], InRemote: true})
			j++
		default:
			if local[i].digest != remote.Digests[j] {
				out = append(out, Difference{Key: local[i].key, Local: local[i].digest, Remote: remote.Digests[j], InLocal: true, InRemote: true})
			}
			i++
			j++
		}
	}
	return out, nil
}

// checkLevel validates a level message against t's shape.
func (t *Tree) checkLevel(l Level) error {
	if l.Shape != t.opts {
		return fmt.Errorf("%w: level of %+v, tree is %+v", ErrShape, l.Shape, t.opts)
	}
	if l.Depth < 0 || l.Depth >= len(t.levels) {
		return fmt.Errorf("%w: level %d of a %d-level tree", ErrInvalid, l.Depth, len(t.levels))
	}
	if len(l.Hashes) != len(l.Nodes) {
		return fmt.Errorf("%w: %d hashes for %d nodes", ErrInvalid, len(l.Hashes), len(l.Nodes))
	}
	if err := checkNodes(l.Nodes, len(t.levels[l.Depth])); err != nil {
		return fmt.Errorf("%w: level %d: %v", ErrInvalid, l.Depth, err)
	}
	return nil
}

// checkNodes checks that nodes are strictly increasing in [0, size).
func checkNodes(nodes []int, size int) error {
	for i, n := range nodes {
		if n < 0 || n >= size {
			return fmt.Errorf("node %d of %d", n, size)
		}
		if i > 0 && n <= nodes[i-1] {
			return fmt.Errorf("nodes not increasing at %d", n)
		}
	}
	return nil
}

// checkSegment validates a segment message on its own: a valid shape,
// the index in range, keys strictly increasing and each in the segment,
// one digest per key.
func checkSegment(s Segment) error {
	if err := s.Shape.Validate(); err != nil {
		return err
	}
	if s.Index < 0 || s.Index >= s.Shape.withDefaults().Segments {
		return fmt.Errorf("%w: segment %d of %d", ErrInvalid, s.Index, s.Shape.Segments)
	}
	if len(s.Digests) != len(s.Keys) {
		return fmt.Errorf("%w: %d digests for %d keys", ErrInvalid, len(s.Digests), len(s.Keys))
	}
	for i, k := range s.Keys {
		if i > 0 && k <= s.Keys[i-1] {
			return fmt.Errorf("%w: segment %d: keys not increasing at %q", ErrInvalid, s.Index, k)
		}
		if segmentOf(k, s.Shape.withDefaults().Segments) != s.Index {
			return fmt.Errorf("%w: segment %d: key %q belongs to another segment", ErrInvalid, s.Index, k)
		}
	}
	return nil
}

// Stats counts an exchange's traffic.
type Stats struct {
	// Messages is the number of messages sent, both ways.
	Messages int
	// Bytes is their encoded size.
	Bytes int
	// Segments is the number of segments exchanged.
	Segments int
}

// Diff runs the whole exchange between a local and a remote tree in one
// process, through the wire encoding of every message, and returns the
// differences as seen from local (sorted by key) and the traffic. It is
// the reference of the protocol an anti-entropy actor runs over the
// network, one message at a time:
//
//  1. local sends Top();
//  2. the receiver Compares it with its own tree; if nothing differs the
//     exchange ends; if the level is above the segments it answers with
//     Expand of the differing nodes, and the two sides swap roles;
//  3. once the differing nodes are segments, the side that found them
//     asks for them and the other sends each Segment; DiffSegment gives
//     the keys to repair (here always computed on the local side).
func Diff(local, remote *Tree) ([]Difference, Stats, error) {
	var st Stats
	send := func(l Level) (Level, error) {
		b, err := MarshalLevel(l)
		if err != nil {
			return Level{}, err
		}
		st.Messages++
		st.Bytes += len(b)
		return UnmarshalLevel(b)
	}
	trees := [2]*Tree{local, remote}
	msg, err := send(local.Top())
	if err != nil {
		return nil, st, err
	}
	recv := 1 // the tree that receives msg
	var diff []int
	for {
		diff, err = trees[recv].Compare(msg)
		if err != nil {
			return nil, st, err
		}
		if len(diff) == 0 || msg.Depth == trees[recv].Depth()-1 {
			break
		}
		next, err := trees[recv].Expand(msg.Depth, diff)
		if err != nil {
			return nil, st, err
		}
		if msg, err = send(next); err != nil {
			return nil, st, err
		}
		recv = 1 - recv
	}
	var out []Difference
	for _, s := range diff {
		seg, err := remote.Segment(s)
		if err != nil {
			return nil, st, err
		}
		b, err := MarshalSegment(seg)
		if err != nil {
			return nil, st, err
		}
		st.Messages++
		st.Bytes += len(b)
		st.Segments++
		if seg, err = UnmarshalSegment(b); err != nil {
			return nil, st, err
		}
		d, err := local.DiffSegment(seg)
		if err != nil {
			return nil, st, err
		}
		out = append(out, d...)
	}
	slices.SortFunc(out, func(a, b Difference) int { return strings.Compare(a.Key, b.Key) })
	return out, st, nil
}
