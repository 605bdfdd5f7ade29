package ring

import (
	"testing"

	"pgregory.net/rapid"
)

// settle drives one ring to rest as a cluster would: the claimant
// rebalances, every pending handoff completes, until nothing changes. It
// fails t if that takes more than a few rounds.
func settle(t tb, r *Ring, spacing int) {
	t.Helper()
	for round := 0; ; round++ {
		if round > 5 {
			t.Fatalf("ring does not settle after %d rounds", round)
		}
		changed := r.Rebalance(spacing)
		for _, h := range r.Handoffs() {
			if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
				t.Fatal(err)
			}
			changed = true
		}
		if !changed {
			return
		}
	}
}

// TestSettle: whatever joins, leaves and removals happened, a ring driven
// by rebalances and handoff completions settles with no pending handoff,
// no Joining or Leaving member, every partition on a Valid member, and
// the Valid members balanced (when a Valid member is left at all).
func TestSettle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas, _ := history(t)
		r := replicas[0]
		for _, other := range replicas[1:] {
			mustMerge(t, r, other)
		}
		spacing := rapid.IntRange(1, 3).Draw(t, "spacing")
		settle(t, r, spacing)
		checkInvariants(t, r)
		if hs := r.Handoffs(); len(hs) > 0 {
			t.Fatalf("settled ring has handoffs %v", hs)
		}
		valid := r.WithStatus(Valid)
		if len(valid) == 0 {
			// Every member left or is down (concurrent leaves on
			// different replicas): nothing can take the partitions.
			return
		}
		if js := r.WithStatus(Joining, Leaving); len(js) > 0 {
			t.Fatalf("settled ring has joining or leaving members %v", js)
		}
		for p, o := range r.Owners() {
			if r.members[o].Status != Valid {
				t.Fatalf("partition %d is on %s, which is %v", p, o, r.members[o].Status)
			}
		}
		c := counts(r.Owners())
		lo, hi := r.Partitions()/len(valid), (r.Partitions()+len(valid)-1)/len(valid)
		for _, m := range valid {
			if c[m] < lo || c[m] > hi {
				t.Fatalf("valid member %s owns %d, want %d..%d", m, c[m], lo, hi)
			}
		}
	})
}
