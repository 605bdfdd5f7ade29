package ring

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// drawOwnership draws a previous ownership: P partitions owned by nodes of
// the pool, some of them perhaps not members any more, some perhaps "".
func drawOwnership(t *rapid.T) []string {
	parts := rapid.IntRange(1, 128).Draw(t, "partitions")
	owners := append(slices.Clone(nodes), "")
	return rapid.SliceOfN(rapid.SampledFrom(owners), parts, parts).Draw(t, "prev")
}

// drawMembers draws a non-empty set of members from the pool.
func drawMembers(t *rapid.T) []string {
	return rapid.SliceOfNDistinct(rapid.SampledFrom(nodes), 1, len(nodes), rapid.ID[string]).Draw(t, "members")
}

// counts returns how many partitions each node owns in owners.
func counts(owners []string) map[string]int {
	c := map[string]int{}
	for _, o := range owners {
		c[o]++
	}
	return c
}

// bestKeep is the most partitions any balanced assignment over members can
// leave with their previous owner, computed independently of Claim: the
// P mod M members with the largest counts may keep ⌈P/M⌉, the others
// ⌊P/M⌋.
func bestKeep(prev, members []string) int {
	c := counts(prev)
	var cs []int
	for _, m := range members {
		cs = append(cs, c[m])
	}
	slices.Sort(cs)
	slices.Reverse(cs)
	q, rem := len(prev)/len(members), len(prev)%len(members)
	keep := 0
	for i, n := range cs {
		quota := q
		if i < rem {
			quota++
		}
		keep += min(n, quota)
	}
	return keep
}

// moved counts the partitions whose owner differs.
func moved(a, b []string) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// TestClaimBalancedAndMinimal: every member gets ⌊P/M⌋ or ⌈P/M⌉
// partitions, nothing goes to a non-member, and the number of partitions
// that move is the least any balanced assignment can achieve.
func TestClaimBalancedAndMinimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prev := drawOwnership(t)
		members := drawMembers(t)
		spacing := rapid.IntRange(1, 4).Draw(t, "spacing")
		target := Claim(prev, members, spacing)
		if len(target) != len(prev) {
			t.Fatalf("%d targets for %d partitions", len(target), len(prev))
		}
		c := counts(target)
		lo, hi := len(prev)/len(members), (len(prev)+len(members)-1)/len(members)
		for _, m := range members {
			if c[m] < lo || c[m] > hi {
				t.Fatalf("member %s owns %d, want %d..%d: %v", m, c[m], lo, hi, target)
			}
		}
		for p, o := range target {
			if !slices.Contains(members, o) {
				t.Fatalf("partition %d goes to non-member %q", p, o)
			}
		}
		if got, want := moved(prev, target), len(prev)-bestKeep(prev, members); got != want {
			t.Fatalf("moved %d partitions, the least possible is %d", got, want)
		}
	})
}

// TestClaimDeterministic: the target depends on the members as a set,
// not on their order or duplicates, and a second claim from the target
// moves nothing (a fixed point, so converged planners agree and stop).
func TestClaimDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prev := drawOwnership(t)
		members := drawMembers(t)
		spacing := rapid.IntRange(1, 4).Draw(t, "spacing")
		target := Claim(prev, members, spacing)
		shuffled := rapid.Permutation(append(slices.Clone(members), members[0])).Draw(t, "shuffled")
		if again := Claim(prev, shuffled, spacing); !slices.Equal(again, target) {
			t.Fatalf("member order changed the claim")
		}
		if again := Claim(target, members, spacing); !slices.Equal(again, target) {
			t.Fatalf("claim is not a fixed point: %v then %v", target, again)
		}
	})
}

// TestClaimJoinLeave: from a balanced ring, one member joining moves at
// most ⌈P/(M+1)⌉ partitions, all to it; one member leaving moves exactly
// its partitions, and nothing else.
func TestClaimJoinLeave(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.IntRange(1, 256).Draw(t, "partitions")
		members := rapid.SliceOfNDistinct(rapid.SampledFrom(nodes), 2, len(nodes), rapid.ID[string]).Draw(t, "members")
		base := Claim(make([]string, parts), members[:len(members)-1], 3)

		joined := Claim(base, members, 3)
		if n, limit := moved(base, joined), (parts+len(members)-1)/len(members); n > limit {
			t.Fatalf("join moved %d partitions, limit %d", n, limit)
		}
		newcomer := members[len(members)-1]
		for p := range base {
			if base[p] != joined[p] && joined[p] != newcomer {
				t.Fatalf("join moved partition %d from %s to %s, not to the newcomer", p, base[p], joined[p])
			}
		}

		leaver := rapid.SampledFrom(members).Draw(t, "leaver")
		rest := slices.DeleteFunc(slices.Clone(members), func(m string) bool { return m == leaver })
		left := Claim(joined, rest, 3)
		for p := range joined {
			if (joined[p] == leaver) != (left[p] != joined[p]) {
				t.Fatalf("leave of %s: partition %d went from %s to %s", leaver, p, joined[p], left[p])
			}
		}
	})
}

// TestClaimSpacing: a fresh claim over M members of a ring with at least
// 2 partitions per member places no two adjacent partitions on one node
// when M ≥ spacing, so that preference lists walk short. The one
// exception is the wrap (partitions P-1 and 0) when M does not divide P:
// the greedy placement does not look ahead, and the member with the extra
// partition may end up on both sides of it.
func TestClaimSpacing(t *testing.T) {
	for _, tc := range []struct{ parts, members int }{{64, 3}, {64, 4}, {64, 5}, {16, 3}, {12, 6}} {
		members := nodes[:tc.members]
		target := Claim(make([]string, tc.parts), members, 3)
		for p := range target {
			if p == tc.parts-1 && tc.parts%tc.members != 0 {
				continue
			}
			if next := target[(p+1)%tc.parts]; next == target[p] {
				t.Errorf("%d partitions over %d members: partitions %d and %d both on %s: %v",
					tc.parts, tc.members, p, (p+1)%tc.parts, next, target)
				break
			}
		}
	}
}

// TestClaimNoMembers: with no members the ownership stays as it was.
func TestClaimNoMembers(t *testing.T) {
	prev := []string{"a", "b", ""}
	if got := Claim(prev, nil, 3); !slices.Equal(got, prev) {
		t.Fatalf("Claim with no members = %v, want %v", got, prev)
	}
	if got := Claim(prev, []string{""}, 3); !slices.Equal(got, prev) {
		t.Fatalf("Claim with an empty member name = %v, want %v", got, prev)
	}
}
