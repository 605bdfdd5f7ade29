package ring

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/fifogo/fifo/internal/storage"
)

// Limits on names, in bytes.
const (
	// MaxNameLen is the longest node name or cluster name accepted.
	MaxNameLen = 255
	// DefaultPartitions is the partition count of a new cluster when none
	// is given: the store's default.
	DefaultPartitions = storage.DefaultPartitions
	// MaxPartitions is the largest partition count: the store's limit.
	MaxPartitions = storage.MaxPartitions
)

// Ring is one replica of the cluster's ring state: the members and, for
// every partition, its owner and planned next owner. It is a
// join-semilattice (see the package documentation); Merge is its join.
// A Ring is not safe for concurrent use.
type Ring struct {
	cluster string
	members map[string]Member
	parts   []partition
}

// New returns the ring of a new cluster: founder is its only member,
// Valid, and owns every one of partitions partitions. cluster names the
// cluster (the founder's name and a random nonce, say): rings of different
// clusters refuse to merge. partitions 0 means DefaultPartitions; any
// count the store accepts (1..MaxPartitions) will do, since
// storage.PartitionOf spreads keys evenly over any count.
func New(cluster string, partitions int, founder string) (*Ring, error) {
	if partitions == 0 {
		partitions = DefaultPartitions
	}
	if partitions < 1 || partitions > MaxPartitions {
		return nil, fmt.Errorf("%w: %d partitions, want 1..%d", ErrInvalid, partitions, MaxPartitions)
	}
	if err := checkName("cluster", cluster); err != nil {
		return nil, err
	}
	if err := checkName("node", founder); err != nil {
		return nil, err
	}
	r := &Ring{
		cluster: cluster,
		members: map[string]Member{founder: {Version: 1, Status: Valid}},
		parts:   make([]partition, partitions),
	}
	for i := range r.parts {
		r.parts[i].owner = Assign{Epoch: 1, Node: founder}
	}
	return r, nil
}

// checkName validates a node or cluster name: 1..MaxNameLen bytes of
// UTF-8.
func checkName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty %s name", ErrInvalid, what)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%w: %s name is %d bytes, limit %d", ErrInvalid, what, len(name), MaxNameLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: %s name is not UTF-8", ErrInvalid, what)
	}
	return nil
}

// Cluster returns the cluster's name.
func (r *Ring) Cluster() string { return r.cluster }

// Partitions returns the partition count, fixed at creation.
func (r *Ring) Partitions() int { return len(r.parts) }

// Member returns a node's entry, and false if it was never a member.
func (r *Ring) Member(node string) (Member, bool) {
	m, ok := r.members[node]
	return m, ok
}

// MemberNames returns every node with an entry (Left ones included), in
// name order.
func (r *Ring) MemberNames() []string {
	return slices.Sorted(maps.Keys(r.members))
}

// WithStatus returns the nodes whose status is one of those given, in name
// order.
func (r *Ring) WithStatus(statuses ...Status) []string {
	var out []string
	for _, n := range r.MemberNames() {
		if slices.Contains(statuses, r.members[n].Status) {
			out = append(out, n)
		}
	}
	return out
}

// checkPartition validates a partition number.
func (r *Ring) checkPartition(p int) error {
	if p < 0 || p >= len(r.parts) {
		return fmt.Errorf("%w: partition %d, ring has %d", ErrInvalid, p, len(r.parts))
	}
	return nil
}

// Owner returns the owner of partition p. It panics if p is out of range,
// like an index.
func (r *Ring) Owner(p int) string { return r.parts[p].owner.Node }

// Owners returns every partition's owner, indexed by partition.
func (r *Ring) Owners() []string {
	out := make([]string, len(r.parts))
	for i, p := range r.parts {
		out[i] = p.owner.Node
	}
	return out
}

// Owned returns the partitions node owns, in order.
func (r *Ring) Owned(node string) []int {
	var out []int
	for i, p := range r.parts {
		if p.owner.Node == node {
			out = append(out, i)
		}
	}
	return out
}

// Pending returns partition p's transfer in progress, if any. It panics if
// p is out of range.
func (r *Ring) Pending(p int) (Handoff, bool) {
	a, ok := r.parts[p].pending()
	if !ok {
		return Handoff{}, false
	}
	return Handoff{Partition: p, Epoch: a.Epoch, From: r.parts[p].owner.Node, To: a.Node}, true
}

// Handoffs returns every transfer in progress, by partition.
func (r *Ring) Handoffs() []Handoff {
	var out []Handoff
	for p := range r.parts {
		if h, ok := r.Pending(p); ok {
			out = append(out, h)
		}
	}
	return out
}

// PartitionOf returns the partition of the record (bucket, id): the
// store's hashing (storage.PartitionOf) over this ring's partition count.
func (r *Ring) PartitionOf(bucket, id string) int {
	return storage.PartitionOf(bucket, id, len(r.parts))
}

// Clone returns a deep copy of r.
func (r *Ring) Clone() *Ring {
	return &Ring{cluster: r.cluster, members: maps.Clone(r.members), parts: slices.Clone(r.parts)}
}

// Equal reports whether r and o are the same state.
func (r *Ring) Equal(o *Ring) bool {
	return r.cluster == o.cluster && maps.Equal(r.members, o.members) && slices.Equal(r.parts, o.parts)
}

// Merge joins o into r: each member entry and each partition register
// becomes the greater of the two. It reports whether r changed. Rings of
// different clusters or partition counts do not merge (ErrMismatch) and r
// is left as it was. o is not changed and shares no memory with r after.
func (r *Ring) Merge(o *Ring) (changed bool, err error) {
	if r.cluster != o.cluster || len(r.parts) != len(o.parts) {
		return false, fmt.Errorf("%w: merge %q (%d partitions) into %q (%d partitions)",
			ErrMismatch, o.cluster, len(o.parts), r.cluster, len(r.parts))
	}
	for n, m := range o.members {
		if mine, ok := r.members[n]; !ok || mine.less(m) {
			r.members[n] = m
			changed = true
		}
	}
	for i := range r.parts {
		mine, theirs := &r.parts[i], o.parts[i]
		if mine.owner.less(theirs.owner) {
			mine.owner = theirs.owner
			changed = true
		}
		if mine.plan.less(theirs.plan) {
			mine.plan = theirs.plan
			changed = true
		}
	}
	return changed, nil
}
