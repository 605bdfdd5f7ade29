package ring

// Assign is a max-register of a partition's ring state: a node tagged with
// the epoch at which it was set. Assigns are ordered by epoch, then node
// name, and merge to the greater one; every writer uses an epoch above
// every epoch the partition has seen, so a new assignment beats the ones
// it was computed from and concurrent ones resolve the same way everywhere.
type Assign struct {
	// Epoch is the partition's epoch when the assignment was made.
	Epoch uint64
	// Node is the node assigned; empty in a plan that cancels a transfer.
	Node string
}

// less orders assignments: epoch, then node name.
func (a Assign) less(o Assign) bool {
	if a.Epoch != o.Epoch {
		return a.Epoch < o.Epoch
	}
	return a.Node < o.Node
}

// maxAssign returns the greater of a and b.
func maxAssign(a, b Assign) Assign {
	if a.less(b) {
		return b
	}
	return a
}

// partition is one partition's state: two max-registers.
//
//   - owner: the node that owns the partition, set when a handoff completes
//     (to the plan's epoch and node), or directly by the claimant when the
//     owner was removed and cannot hand off.
//   - plan: the claimant's next owner for the partition. A transfer is
//     pending while plan.Epoch > owner.Epoch and plan.Node is neither empty
//     nor the owner; completing it (by the owner, after handing its data
//     over) sets owner to the plan, which ends it.
//
// Both registers only grow, so the pair merges by merging each.
type partition struct {
	owner Assign
	plan  Assign
}

// pending reports the transfer in progress, if any.
func (p partition) pending() (Assign, bool) {
	if p.plan.Epoch > p.owner.Epoch && p.plan.Node != "" && p.plan.Node != p.owner.Node {
		return p.plan, true
	}
	return Assign{}, false
}

// intended is the node the partition is headed to: the pending next owner,
// or the owner.
func (p partition) intended() string {
	if a, ok := p.pending(); ok {
		return a.Node
	}
	return p.owner.Node
}

// epoch is the highest epoch either register holds; a new assignment uses
// epoch()+1.
func (p partition) epoch() uint64 { return max(p.owner.Epoch, p.plan.Epoch) }

// Handoff is a pending ownership transfer of one partition.
type Handoff struct {
	// Partition is the partition being transferred.
	Partition int
	// Epoch identifies the transfer; CompleteHandoff takes it back.
	Epoch uint64
	// From is the current owner, who sends the data.
	From string
	// To is the next owner, who receives it.
	To string
}
