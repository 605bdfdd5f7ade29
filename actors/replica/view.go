package replica

import (
	"slices"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/storage"
)

// view is a node's ring as the coordinator reads it on every request: a
// snapshot the ring actor hands over on each change (OnChange), never
// mutated after.
type view struct {
	self        string
	r           *ring.Ring
	unreachable map[string]bool
	// alone: this node is the ring's only live member, so it serves
	// every request from its own store.
	alone bool
}

// newView builds the view of a ring actor's status.
func newView(s actorring.Status) *view {
	v := &view{self: s.Self, r: s.Ring, unreachable: map[string]bool{}}
	for _, n := range s.Unreachable {
		v.unreachable[n] = true
	}
	live := s.Ring.WithStatus(ring.Joining, ring.Valid, ring.Leaving, ring.Down)
	v.alone = len(live) == 1 && live[0] == s.Self
	return v
}

// isUnreachable is the failure detector the plans use.
func (v *view) isUnreachable(node string) bool { return v.unreachable[node] }

// partitionOf returns the partition of a record.
func (v *view) partitionOf(bucket, id string) int {
	return storage.PartitionOf(bucket, id, v.r.Partitions())
}

// partitionOfName returns the partition of a unique name.
func (v *view) partitionOfName(bucket, name string) int {
	return storage.PartitionOfName(bucket, name, v.r.Partitions())
}

// owner returns the live owner of partition p, or "" when its owner left.
func (v *view) owner(p int) string {
	o := v.r.Owner(p)
	if m, ok := v.r.Member(o); !ok || m.Status == ring.Left {
		return ""
	}
	return o
}

// readable returns the reachable primaries of a preference list, this
// node first when it is one: where reads and folds go.
func (v *view) readable(primaries []string) []string {
	out := slices.DeleteFunc(slices.Clone(primaries), v.isUnreachable)
	if i := slices.Index(out, v.self); i > 0 {
		out[0], out[i] = out[i], out[0]
	}
	return out
}
