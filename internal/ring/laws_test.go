package ring

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"
)

// TestMergeLaws checks that Merge is a join over states reached by random
// histories of joins, leaves, downs, removals, rebalances and handoff
// completions on different replicas: commutative, associative, idempotent,
// and inflationary (a ⊑ a ⊔ b).
func TestMergeLaws(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, pool := history(t)
		a := rapid.SampledFrom(pool).Draw(t, "a")
		b := rapid.SampledFrom(pool).Draw(t, "b")
		c := rapid.SampledFrom(pool).Draw(t, "c")
		if !merged(t, a, b).Equal(merged(t, b, a)) {
			t.Fatal("merge is not commutative")
		}
		if !merged(t, merged(t, a, b), c).Equal(merged(t, a, merged(t, b, c))) {
			t.Fatal("merge is not associative")
		}
		if aa := a.Clone(); mustMerge(t, aa, a) || !aa.Equal(a) {
			t.Fatal("merge is not idempotent")
		}
		ab := merged(t, a, b)
		if again := ab.Clone(); mustMerge(t, again, a) || mustMerge(t, again, b) {
			t.Fatal("a ⊔ b does not contain a and b")
		}
		checkInvariants(t, ab)
	})
}

// TestConvergence: replicas that went through random histories and then
// exchange their states pairwise, in a random order covering every
// ordered pair, end equal (equal bytes) and equal to the join of their
// states; and the claimant's next Rebalance then gives the same ring on
// every replica.
func TestConvergence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas, _ := history(t)
		want := replicas[0].Clone()
		for _, r := range replicas[1:] {
			mustMerge(t, want, r)
		}
		var pairs [][2]int
		for i := range replicas {
			for j := range replicas {
				if i != j {
					pairs = append(pairs, [2]int{i, j})
				}
			}
		}
		order := rapid.Permutation(pairs).Draw(t, "gossip order")
		for _, pr := range order {
			mustMerge(t, replicas[pr[0]], replicas[pr[1]])
		}
		wantBytes, err := Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range replicas {
			b, err := Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Equal(want) || !bytes.Equal(b, wantBytes) {
				t.Fatalf("replica %d did not converge", i)
			}
		}
		spacing := rapid.IntRange(1, 3).Draw(t, "spacing")
		for _, r := range replicas {
			r.Rebalance(spacing)
		}
		for i, r := range replicas[1:] {
			if !r.Equal(replicas[0]) {
				t.Fatalf("replica %d rebalanced differently from replica 0", i+1)
			}
		}
	})
}

// TestOldGossipCannotUndo: a change made on one replica survives a merge
// with any state it was made from, in particular a removal and a
// completed handoff.
func TestOldGossipCannotUndo(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas, pool := history(t)
		r := replicas[0]
		old := rapid.SampledFrom(pool[:1]).Draw(t, "old")
		before := r.Clone()
		what := applyRandomOp(t, r)
		after := r.Clone()
		mustMerge(t, r, before)
		mustMerge(t, r, old)
		if !r.Equal(after) {
			t.Fatalf("%s was undone by merging an older state", what)
		}
	})
}
