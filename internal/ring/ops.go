package ring

import "fmt"

// The operations below change one replica. Each writes entries above the
// ones it read (member version+1, partition epoch+1), so its effect
// survives merges with every state it was computed from. Operations that
// find their effect already in place return nil and change nothing, so
// callers may retry them.

// Join adds node to the cluster as Joining. A node that left may join
// again: its entry moves on from the Left tombstone. Joining a current
// member is ErrTransition.
func (r *Ring) Join(node string) error {
	if err := checkName("node", node); err != nil {
		return err
	}
	m, ok := r.members[node]
	switch {
	case !ok:
		r.members[node] = Member{Version: 1, Status: Joining}
	case m.Status == Left:
		r.members[node] = m.next(Joining)
	default:
		return fmt.Errorf("%w: join %s: already %v", ErrTransition, node, m.Status)
	}
	return nil
}

// Leave asks node to leave: a Valid member becomes Leaving (claim moves
// its partitions away and the claimant marks it Left when it owns
// nothing); a Joining member that holds nothing leaves at once. A down
// member cannot hand off: remove it with ForceRemove. The last Valid
// member cannot leave (nobody would take its partitions): ErrTransition.
// Concurrent leaves on different replicas can still leave no Valid
// member; the Leaving ones then keep their partitions until one joins.
func (r *Ring) Leave(node string) error {
	m, err := r.member("leave", node)
	if err != nil {
		return err
	}
	if m.Status == Valid && len(r.WithStatus(Valid, Joining)) == 1 {
		return fmt.Errorf("%w: leave %s: it is the last member", ErrTransition, node)
	}
	switch m.Status {
	case Leaving, Left:
		return nil
	case Joining:
		if !r.involved(node) {
			r.members[node] = m.next(Left)
			return nil
		}
		r.members[node] = m.next(Leaving)
	case Valid:
		r.members[node] = m.next(Leaving)
	default:
		return fmt.Errorf("%w: leave %s: it is %v, use force-remove", ErrTransition, node, m.Status)
	}
	return nil
}

// MarkDown marks node Down: an operator's statement that the node is gone
// for a while, so that claim moves its partitions and membership changes
// can go on without it. A node that left cannot be marked.
func (r *Ring) MarkDown(node string) error {
	m, err := r.member("mark down", node)
	if err != nil {
		return err
	}
	switch m.Status {
	case Down:
		return nil
	case Left:
		return fmt.Errorf("%w: mark down %s: it left", ErrTransition, node)
	}
	r.members[node] = m.next(Down)
	return nil
}

// Reassert is what a running node does when it finds itself marked Down:
// it becomes Valid again. A member in any other live status is left as
// it is; a node that left must Join again (ErrTransition).
func (r *Ring) Reassert(node string) error {
	m, err := r.member("reassert", node)
	if err != nil {
		return err
	}
	switch m.Status {
	case Down:
		r.members[node] = m.next(Valid)
	case Left:
		return fmt.Errorf("%w: reassert %s: it left, join again", ErrTransition, node)
	}
	return nil
}

// ForceRemove marks node Left at once, whatever it holds. The claimant's
// next Rebalance gives the partitions it still owns to other members
// directly, without handoff: their data must come from the other replicas
// (anti-entropy). It is for nodes that will not come back.
func (r *Ring) ForceRemove(node string) error {
	m, err := r.member("force-remove", node)
	if err != nil {
		return err
	}
	if m.Status != Left {
		r.members[node] = m.next(Left)
	}
	return nil
}

// CompleteHandoff records that partition p's pending transfer of the given
// epoch is done: its next owner becomes the owner. The current owner calls
// it once the receiver has acknowledged every record, and may drop its
// copy only after the new ring has reached the receiver. Completing a
// transfer already completed is a no-op; one that is not pending (it was
// replaced by a later plan, say) is ErrNoHandoff.
func (r *Ring) CompleteHandoff(p int, epoch uint64) error {
	if err := r.checkPartition(p); err != nil {
		return err
	}
	part := &r.parts[p]
	if part.owner.Epoch == epoch && part.plan.Epoch == epoch && part.owner.Node == part.plan.Node {
		return nil
	}
	a, ok := part.pending()
	if !ok || a.Epoch != epoch {
		return fmt.Errorf("%w: partition %d epoch %d", ErrNoHandoff, p, epoch)
	}
	part.owner = a
	return nil
}

// member returns node's entry or ErrUnknownMember.
func (r *Ring) member(op, node string) (Member, error) {
	m, ok := r.members[node]
	if !ok {
		return Member{}, fmt.Errorf("%w: %s %s", ErrUnknownMember, op, node)
	}
	return m, nil
}

// involved reports whether node owns a partition or is the next owner of
// one.
func (r *Ring) involved(node string) bool {
	for _, p := range r.parts {
		if p.owner.Node == node || p.intended() == node {
			return true
		}
	}
	return false
}
