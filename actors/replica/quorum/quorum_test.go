package quorum

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/ring"
)

// TestTallyDecides drives a coordinator's loop over random answers: it
// sends to the first targets, sends to a spare after each failure while
// spares last, and stops once the tally is met or hopeless. It succeeds
// exactly when at least need of the replicas it could reach would
// succeed, and never claims more successes than acks it got.
func TestTallyDecides(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas := rapid.IntRange(1, 7).Draw(t, "replicas")
		first := rapid.IntRange(1, replicas).Draw(t, "first")
		need := rapid.IntRange(1, first).Draw(t, "need")
		up := rapid.SliceOfN(rapid.Bool(), replicas, replicas).Draw(t, "up")
		tally := NewTally(need)
		next := 0
		var inflight []int
		for ; next < first; next++ {
			tally.Sent()
			inflight = append(inflight, next)
		}
		for !tally.Met() && !(tally.Hopeless() && next == replicas) && len(inflight) > 0 {
			k := rapid.IntRange(0, len(inflight)-1).Draw(t, "answer")
			r := inflight[k]
			inflight = slices.Delete(inflight, k, k+1)
			if up[r] {
				tally.Ack()
				continue
			}
			tally.Fail()
			if next < replicas {
				tally.Sent()
				inflight = append(inflight, next)
				next++
			}
		}
		ups := 0
		for _, u := range up {
			if u {
				ups++
			}
		}
		if tally.Met() != (ups >= need) {
			t.Fatalf("met %v with %d of %d replicas up, need %d", tally.Met(), ups, replicas, need)
		}
		if tally.OK() > ups {
			t.Fatalf("%d acks from %d replicas up", tally.OK(), ups)
		}
	})
}

// threeNodes returns a settled ring of a, b and c over 16 partitions.
func threeNodes(t *testing.T) *ring.Ring {
	t.Helper()
	r, err := ring.New("test", 16, "a")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"b", "c"} {
		if err := r.Join(n); err != nil {
			t.Fatal(err)
		}
	}
	r.Rebalance(3)
	for _, h := range r.Handoffs() {
		if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestPlan(t *testing.T) {
	r := threeNodes(t)
	for p := range r.Partitions() {
		all := NewPlan(r, p, 3, nil)
		if len(all.Primaries) != 3 || len(all.Targets) != 3 || len(all.Spares) != 0 {
			t.Fatalf("partition %d, all up: %+v", p, all)
		}
		for i, tg := range all.Targets {
			if tg.Fallback || tg.Node != all.Primaries[i] {
				t.Fatalf("partition %d, all up: target %d is %+v", p, i, tg)
			}
		}
		// Two replicas of three: the third node is a spare for W.
		two := NewPlan(r, p, 2, nil)
		if len(two.Spares) != 1 || two.IsPrimary(two.Spares[0]) {
			t.Fatalf("partition %d, n 2: %+v", p, two)
		}
		down := all.Primaries[1]
		pl := NewPlan(r, p, 2, func(x string) bool { return x == down })
		for _, tg := range pl.Targets {
			if tg.Node == down {
				t.Fatalf("partition %d: unreachable %s is a target: %+v", p, down, pl)
			}
		}
		if len(pl.Targets) != 2 || !pl.Targets[1].Fallback || pl.Targets[1].For != down || len(pl.Spares) != 0 {
			t.Fatalf("partition %d, %s down: %+v", p, down, pl)
		}
		if pl.Quorum(5) != 2 || pl.Quorum(0) != 1 {
			t.Fatalf("quorum capped: %d, %d", pl.Quorum(5), pl.Quorum(0))
		}
	}
}

// TestMerge: answers from replicas holding different states of a record
// merge to the same bytes in any order, and Stale names exactly the
// answers that differ from the merge.
func TestMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rec := record.New("vm")
		var states [][]byte
		for i := range rapid.IntRange(1, 8).Draw(t, "writes") {
			actor := rapid.SampledFrom([]string{"a", "b"}).Draw(t, fmt.Sprint("actor", i))
			key := rapid.SampledFrom([]string{"alias", "state"}).Draw(t, fmt.Sprint("key", i))
			rec.Fields.SetLWW(actor, key, crdt.Timestamp{Wall: int64(i + 1), Node: actor}, []byte(fmt.Sprint(i)))
			if rapid.Bool().Draw(t, fmt.Sprint("snap", i)) {
				b, err := record.Marshal(rec)
				if err != nil {
					t.Fatal(err)
				}
				states = append(states, b)
			}
		}
		full, err := record.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		answers := append(states, full, nil)
		perm := rapid.Permutation(answers).Draw(t, "order")
		got, err := Merge(record.MergeBytes, perm)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, full) {
			t.Fatalf("merge %x, want %x", got, full)
		}
		stale := Stale(perm, got)
		for i, a := range perm {
			if slices.Contains(stale, i) == bytes.Equal(a, full) {
				t.Fatalf("answer %d (%x): stale %v", i, a, slices.Contains(stale, i))
			}
		}
	})
	if got, err := Merge(record.MergeBytes, [][]byte{nil, nil}); got != nil || err != nil {
		t.Fatalf("no value: %x, %v", got, err)
	}
	if s := Stale([][]byte{nil}, nil); s != nil {
		t.Fatalf("nothing to repair when nothing is held: %v", s)
	}
}
