package ring

import "slices"

// Preflist returns partition p's primary replicas: walking the ring from
// p (p, p+1, … around), the owners of the partitions met, skipping nodes
// already listed and nodes that Left, until n are listed or the ring is
// walked. The first is p's owner. So the list has n distinct nodes when
// the ring has at least n distinct live owners, and all of them otherwise
// (n is capped by the members). It panics if p is out of range.
func (r *Ring) Preflist(p, n int) []string {
	out := make([]string, 0, n)
	for k := range len(r.parts) {
		if len(out) == n {
			break
		}
		o := r.parts[(p+k)%len(r.parts)].owner.Node
		if r.members[o].Status == Left || slices.Contains(out, o) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// Replica is one entry of a sloppy preference list.
type Replica struct {
	// Node is the node to send to.
	Node string
	// Fallback is true when Node stands in for an unreachable primary.
	Fallback bool
	// For is the primary a fallback stands in for (the hint of hinted
	// handoff: the fallback hands the data back to it later); empty for a
	// primary.
	For string
}

// SloppyPreflist returns partition p's preference list for a sloppy
// quorum: the reachable primaries of Preflist(p, n), and for each
// unreachable one (unreachable reports it, or it is marked Down) a
// fallback that stands in for it. Fallbacks are, in order, the next
// distinct owners met walking the ring past the primaries, then the other
// live members (Joining, Valid, Leaving) by name; a fallback is never a
// primary, never unreachable and never listed twice. Primaries come first
// in preflist order, then fallbacks in the order of the primaries they
// replace. The list is shorter than n when too few reachable nodes exist.
// unreachable may be nil (every node reachable).
func (r *Ring) SloppyPreflist(p, n int, unreachable func(node string) bool) []Replica {
	down := func(node string) bool {
		return r.members[node].Status == Down || (unreachable != nil && unreachable(node))
	}
	primaries := r.Preflist(p, n)
	out := make([]Replica, 0, len(primaries))
	var missing []string
	for _, node := range primaries {
		if down(node) {
			missing = append(missing, node)
			continue
		}
		out = append(out, Replica{Node: node})
	}
	if len(missing) == 0 {
		return out
	}
	usable := func(node string) bool {
		return !down(node) && !slices.Contains(primaries, node) &&
			!slices.ContainsFunc(out, func(x Replica) bool { return x.Node == node })
	}
	add := func(node string) {
		if len(missing) > 0 && usable(node) {
			out = append(out, Replica{Node: node, Fallback: true, For: missing[0]})
			missing = missing[1:]
		}
	}
	for k := range len(r.parts) {
		o := r.parts[(p+k)%len(r.parts)].owner.Node
		if r.members[o].Status != Left {
			add(o)
		}
	}
	for _, node := range r.WithStatus(Joining, Valid, Leaving) {
		add(node)
	}
	return out
}
