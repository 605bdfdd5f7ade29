package ring

import (
	"cmp"
	"slices"
)

// Claim computes the target owner of every partition from the previous
// owners (prev, indexed by partition; a node that is not in members, or
// "", marks a partition that must move) and the members that may own
// partitions. It is a pure function of its arguments, so every node that
// computes it from the same ring gets the same answer.
//
// Balance: with P partitions and M members, each member gets ⌊P/M⌋ or
// ⌈P/M⌉ partitions. The P mod M members that get ⌈P/M⌉ are those that
// owned the most before (ties by name), which keeps the most partitions
// where they are.
//
// Minimal movement: a member keeps min(owned, quota) of its partitions, so
// the partitions that move are exactly those of non-members plus each
// member's excess over its quota, the fewest any balanced assignment can
// move. When a member joins a balanced ring, at most ⌈P/(M+1)⌉ partitions
// move, all to it; when one leaves, exactly its own move.
//
// Placement: a member over its quota keeps partitions spread evenly over
// its list rather than a prefix, so the partitions it gives up are spread
// around the ring. A partition that moves goes to a member under quota
// that owns none of the spacing-1 partitions on either side of it, if
// there is one (so that walking the ring finds distinct nodes quickly and
// replicas spread evenly), preferring the member furthest below its quota,
// then the first by name.
//
// With no members, Claim returns a copy of prev.
func Claim(prev []string, members []string, spacing int) []string {
	ms := slices.Clone(members)
	slices.Sort(ms)
	ms = slices.Compact(ms)
	if len(ms) > 0 && ms[0] == "" {
		ms = ms[1:]
	}
	if len(ms) == 0 {
		return slices.Clone(prev)
	}
	quota := quotas(prev, ms)
	target := keep(prev, quota)
	kept := make(map[string]int, len(ms))
	for _, o := range target {
		if o != "" {
			kept[o]++
		}
	}
	for p := range target {
		if target[p] != "" {
			continue
		}
		best, bestFree, bestDeficit := "", false, 0
		for _, m := range ms {
			deficit := quota[m] - kept[m]
			if deficit <= 0 {
				continue
			}
			free := !near(target, p, m, spacing)
			if best == "" || (free && !bestFree) || (free == bestFree && deficit > bestDeficit) {
				best, bestFree, bestDeficit = m, free, deficit
			}
		}
		target[p] = best
		kept[best]++
	}
	return target
}

// quotas gives each member ⌊P/M⌋ partitions and one more to the P mod M
// members that own the most in prev (ties by name).
func quotas(prev []string, ms []string) map[string]int {
	count := make(map[string]int, len(ms))
	for _, m := range ms {
		count[m] = 0
	}
	for _, o := range prev {
		if _, ok := count[o]; ok {
			count[o]++
		}
	}
	order := slices.Clone(ms)
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(count[b], count[a]) })
	q, rem := len(prev)/len(ms), len(prev)%len(ms)
	quota := make(map[string]int, len(ms))
	for i, m := range order {
		quota[m] = q
		if i < rem {
			quota[m]++
		}
	}
	return quota
}

// keep returns the target with every member's kept partitions filled in
// and "" elsewhere. A member within its quota keeps all it owns; one over
// it keeps quota partitions spread evenly over its list.
func keep(prev []string, quota map[string]int) []string {
	owned := make(map[string][]int, len(quota))
	for p, o := range prev {
		if _, ok := quota[o]; ok {
			owned[o] = append(owned[o], p)
		}
	}
	target := make([]string, len(prev))
	for m, ps := range owned {
		c, q := len(ps), quota[m]
		if c <= q {
			for _, p := range ps {
				target[p] = m
			}
			continue
		}
		for i := range q {
			target[ps[i*c/q]] = m
		}
	}
	return target
}

// near reports whether m owns, in target, one of the spacing-1 partitions
// before or after p (around the ring).
func near(target []string, p int, m string, spacing int) bool {
	n := len(target)
	for k := 1; k < spacing && k < n; k++ {
		if target[(p-k+n)%n] == m || target[(p+k)%n] == m {
			return true
		}
	}
	return false
}
