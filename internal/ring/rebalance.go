package ring

// DefaultN is the replica count of a preference list when none is given
// (DESIGN.md §6), also the spacing Rebalance asks of Claim.
const DefaultN = 3

// Claimant returns the member that plans ring changes: the first Valid
// member by name, or "" if there is none. Every node computes it from its
// own replica; when replicas disagree two nodes may both plan, which is
// safe (their plans merge like any other state, see Rebalance) and only
// costs churn until gossip converges. Like riak_core's claimant, it may be
// unreachable; an operator then marks it Down and the next one takes over.
func (r *Ring) Claimant() string {
	for _, n := range r.MemberNames() {
		if r.members[n].Status == Valid {
			return n
		}
	}
	return ""
}

// Rebalance is the claimant's step, run when its ring has converged with
// the reachable members' (the caller's check). In order, it:
//
//  1. makes every Joining member Valid;
//  2. computes the target owners with Claim over the Valid members, from
//     where each partition is headed (its pending next owner, or its
//     owner), with the given spacing (the replica count N);
//  3. for each partition: one whose owner Left (ForceRemove) gets its
//     target as owner at once, without handoff; one whose owner is its
//     target has any pending transfer cancelled; any other gets its
//     target as planned next owner, unless it is already planned;
//  4. marks Left every Leaving member that owns no partition and is no
//     partition's next owner.
//
// Every change is written above the epoch or version it read, so
// Rebalance's output dominates its input, and two planners that raced
// converge once their rings merge. It reports whether anything changed.
// With no Valid member it does nothing.
func (r *Ring) Rebalance(spacing int) (changed bool) {
	for _, n := range r.WithStatus(Joining) {
		r.members[n] = r.members[n].next(Valid)
		changed = true
	}
	valid := r.WithStatus(Valid)
	if len(valid) == 0 {
		return changed
	}
	prev := make([]string, len(r.parts))
	for i, p := range r.parts {
		prev[i] = p.intended()
	}
	target := Claim(prev, valid, spacing)
	for i := range r.parts {
		p, t := &r.parts[i], target[i]
		_, pending := p.pending()
		switch {
		case r.members[p.owner.Node].Status == Left:
			p.owner = Assign{Epoch: p.epoch() + 1, Node: t}
			changed = true
		case t == p.owner.Node:
			if pending {
				p.plan = Assign{Epoch: p.epoch() + 1}
				changed = true
			}
		case !pending || p.plan.Node != t:
			p.plan = Assign{Epoch: p.epoch() + 1, Node: t}
			changed = true
		}
	}
	for _, n := range r.WithStatus(Leaving) {
		if !r.involved(n) {
			r.members[n] = r.members[n].next(Left)
			changed = true
		}
	}
	return changed
}
