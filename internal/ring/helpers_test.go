package ring

import (
	"errors"
	"fmt"
	"slices"

	"pgregory.net/rapid"
)

// tb is what the helpers need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// nodes is the pool of node names random histories use.
var nodes = []string{"n0", "n1", "n2", "n3", "n4", "n5"}

// mustNew is New for tests.
func mustNew(t tb, partitions int, founder string) *Ring {
	t.Helper()
	r, err := New("test-cluster", partitions, founder)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mustMerge merges src into dst and fails the test on error.
func mustMerge(t tb, dst, src *Ring) bool {
	t.Helper()
	changed, err := dst.Merge(src)
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// merged returns a ⊔ b as a new ring.
func merged(t tb, a, b *Ring) *Ring {
	t.Helper()
	out := a.Clone()
	mustMerge(t, out, b)
	return out
}

// checkInvariants fails t if r breaks an invariant of the type: owners
// and plans name members, the encoding round-trips.
func checkInvariants(t tb, r *Ring) {
	t.Helper()
	for p, part := range r.parts {
		if _, ok := r.members[part.owner.Node]; !ok {
			t.Fatalf("partition %d owner %q is not a member", p, part.owner.Node)
		}
		if n := part.plan.Node; n != "" {
			if _, ok := r.members[n]; !ok {
				t.Fatalf("partition %d plan %q is not a member", p, n)
			}
		}
	}
	b, err := Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatalf("decode own encoding: %v", err)
	}
	if !back.Equal(r) {
		t.Fatalf("round trip changed the ring")
	}
}

// opErrors are the errors an operation may legitimately refuse with.
var opErrors = []error{ErrUnknownMember, ErrTransition, ErrNoHandoff}

// applyRandomOp applies one random operation (no merge) to r.
func applyRandomOp(t *rapid.T, r *Ring) string {
	node := rapid.SampledFrom(nodes).Draw(t, "node")
	var (
		err  error
		what string
	)
	switch op := rapid.IntRange(0, 9).Draw(t, "op"); op {
	case 0, 1:
		what, err = "join "+node, r.Join(node)
	case 2:
		what, err = "leave "+node, r.Leave(node)
	case 3:
		what, err = "markdown "+node, r.MarkDown(node)
	case 4:
		what, err = "reassert "+node, r.Reassert(node)
	case 5:
		what, err = "force-remove "+node, r.ForceRemove(node)
	case 6, 7:
		what = "rebalance"
		r.Rebalance(rapid.IntRange(1, 3).Draw(t, "spacing"))
	default:
		hs := r.Handoffs()
		if len(hs) == 0 {
			return "no handoff"
		}
		h := rapid.SampledFrom(hs).Draw(t, "handoff")
		what = fmt.Sprintf("complete %d@%d", h.Partition, h.Epoch)
		if err = r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	if err != nil && !slices.ContainsFunc(opErrors, func(e error) bool { return errors.Is(err, e) }) {
		t.Fatalf("%s: unexpected error %v", what, err)
	}
	return what
}

// history runs random operations and merges on replicas of one ring and
// returns the replicas and a snapshot of every state reached.
func history(t *rapid.T) (replicas []*Ring, pool []*Ring) {
	parts := rapid.SampledFrom([]int{1, 2, 3, 8, 16, 64}).Draw(t, "partitions")
	base := mustNew(t, parts, "n0")
	replicas = make([]*Ring, rapid.IntRange(2, 4).Draw(t, "replicas"))
	for i := range replicas {
		replicas[i] = base.Clone()
	}
	pool = []*Ring{base.Clone()}
	for range rapid.IntRange(0, 40).Draw(t, "steps") {
		i := rapid.IntRange(0, len(replicas)-1).Draw(t, "replica")
		if rapid.IntRange(0, 3).Draw(t, "kind") == 0 {
			j := rapid.IntRange(0, len(replicas)-1).Draw(t, "from")
			mustMerge(t, replicas[i], replicas[j])
		} else {
			applyRandomOp(t, replicas[i])
		}
		checkInvariants(t, replicas[i])
		pool = append(pool, replicas[i].Clone())
	}
	return replicas, pool
}
