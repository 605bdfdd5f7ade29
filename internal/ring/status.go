package ring

import "fmt"

// Status is a member's place in the cluster. Its numeric value is its rank
// in the member lattice (see Member): when two replicas changed the same
// member concurrently from the same version, the higher rank wins.
type Status uint8

// The member statuses, in lattice order.
const (
	// Joining: added to the ring, owns nothing yet; the claimant makes it
	// Valid at its next rebalance.
	Joining Status = 1
	// Valid: a full member; claim gives it partitions.
	Valid Status = 2
	// Leaving: asked to leave; claim moves its partitions away by handoff,
	// and the claimant marks it Left once it owns nothing.
	Leaving Status = 3
	// Down: marked down by an operator (not by a failure detector: being
	// unreachable is a local view, never ring state). Claim plans its
	// partitions away; the transfers complete if it comes back, and
	// ForceRemove reassigns them without handoff if it does not. A down
	// node that comes back makes itself Valid again (Reassert).
	Down Status = 4
	// Left: removed from the cluster. The entry stays as a tombstone so
	// that old gossip cannot bring the member back; only a new Join, at a
	// higher version, does.
	Left Status = 5
)

// known reports whether s is one of the five statuses.
func (s Status) known() bool { return s >= Joining && s <= Left }

// String names the status for logs and the console.
func (s Status) String() string {
	switch s {
	case Joining:
		return "joining"
	case Valid:
		return "valid"
	case Leaving:
		return "leaving"
	case Down:
		return "down"
	case Left:
		return "left"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// Member is one node's entry in the ring: a status and the version at
// which it was set. Entries form a total order, version first, then status
// rank, and the merge of two entries is the greater one (a join-semilattice
// under max). Every operation on a member writes version+1, so a change
// always beats the state it was made from, an old gossip (a lower version)
// never undoes a newer change such as a removal, and two concurrent
// changes from the same version resolve to the higher-ranked status on
// every replica.
type Member struct {
	// Version counts the changes made to this member's entry, from 1.
	Version uint64
	// Status is the member's status as of Version.
	Status Status
}

// less orders member entries: version, then status rank.
func (m Member) less(o Member) bool {
	if m.Version != o.Version {
		return m.Version < o.Version
	}
	return m.Status < o.Status
}

// next returns the entry that moves m to status s.
func (m Member) next(s Status) Member { return Member{Version: m.Version + 1, Status: s} }
