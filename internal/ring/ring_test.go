package ring

import (
	"errors"
	"slices"
	"testing"
)

func TestNew(t *testing.T) {
	r := mustNew(t, 0, "a@h")
	if r.Partitions() != DefaultPartitions || r.Cluster() != "test-cluster" {
		t.Fatalf("New: %d partitions, cluster %q", r.Partitions(), r.Cluster())
	}
	if got := r.Owned("a@h"); len(got) != DefaultPartitions {
		t.Fatalf("founder owns %d partitions, want all", len(got))
	}
	if m, _ := r.Member("a@h"); m.Status != Valid || r.Claimant() != "a@h" {
		t.Fatalf("founder is %+v, claimant %q", m, r.Claimant())
	}
	for _, tc := range []struct {
		cluster, founder string
		parts            int
	}{
		{"c", "a", -1}, {"c", "a", MaxPartitions + 1}, {"", "a", 8}, {"c", "", 8}, {"c", "\xff", 8},
		{"c", string(make([]byte, MaxNameLen+1)), 8},
	} {
		if _, err := New(tc.cluster, tc.parts, tc.founder); !errors.Is(err, ErrInvalid) {
			t.Errorf("New(%q, %d, %q) = %v, want ErrInvalid", tc.cluster, tc.parts, tc.founder, err)
		}
	}
}

// TestJoinHandoffLeave walks one ring through a cluster's life: a node
// joins, the claimant plans, handoffs complete; the node leaves, its
// partitions come back, and it ends Left.
func TestJoinHandoffLeave(t *testing.T) {
	r := mustNew(t, 8, "a")
	if err := r.Join("b"); err != nil {
		t.Fatal(err)
	}
	if err := r.Join("b"); !errors.Is(err, ErrTransition) {
		t.Fatalf("second join: %v, want ErrTransition", err)
	}
	if !r.Rebalance(3) {
		t.Fatal("rebalance after a join changed nothing")
	}
	if m, _ := r.Member("b"); m.Status != Valid {
		t.Fatalf("b is %v after rebalance, want valid", m.Status)
	}
	hs := r.Handoffs()
	if len(hs) != 4 {
		t.Fatalf("%d handoffs planned, want 4: %v", len(hs), hs)
	}
	for _, h := range hs {
		if h.From != "a" || h.To != "b" {
			t.Fatalf("handoff %+v, want a to b", h)
		}
	}
	if r.Rebalance(3) {
		t.Fatal("a second rebalance changed a planned ring")
	}
	if got := r.Owned("b"); len(got) != 0 {
		t.Fatalf("b owns %v before any handoff completed", got)
	}
	h := hs[0]
	if err := r.CompleteHandoff(h.Partition, h.Epoch+1); !errors.Is(err, ErrNoHandoff) {
		t.Fatalf("completing a wrong epoch: %v, want ErrNoHandoff", err)
	}
	for _, h := range hs {
		if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
		t.Fatalf("completing again: %v, want nil", err)
	}
	if len(r.Owned("a")) != 4 || len(r.Owned("b")) != 4 || len(r.Handoffs()) != 0 {
		t.Fatalf("after handoffs: a %v, b %v, pending %v", r.Owned("a"), r.Owned("b"), r.Handoffs())
	}

	if err := r.Leave("b"); err != nil {
		t.Fatal(err)
	}
	if err := r.Leave("a"); !errors.Is(err, ErrTransition) {
		t.Fatalf("the last valid member leaving: %v, want ErrTransition", err)
	}
	r.Rebalance(3)
	if m, _ := r.Member("b"); m.Status != Leaving {
		t.Fatalf("b is %v while it still owns partitions, want leaving", m.Status)
	}
	settle(t, r, 3)
	if m, _ := r.Member("b"); m.Status != Left {
		t.Fatalf("b is %v after handing everything back, want left", m.Status)
	}
	if len(r.Owned("a")) != 8 {
		t.Fatalf("a owns %v, want all", r.Owned("a"))
	}
	// A node that left may join again.
	if err := r.Join("b"); err != nil {
		t.Fatalf("rejoin: %v", err)
	}
	if m, _ := r.Member("b"); m.Status != Joining || m.Version < 2 {
		t.Fatalf("rejoined b is %+v", m)
	}
}

// TestForceRemove: a down node's partitions are planned away, and when it
// is removed they are given to the others at once, without handoff.
func TestForceRemove(t *testing.T) {
	r := mustNew(t, 6, "a")
	for _, n := range []string{"b", "c"} {
		if err := r.Join(n); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, r, 3)
	cOwned := r.Owned("c")
	if err := r.MarkDown("c"); err != nil {
		t.Fatal(err)
	}
	if err := r.Leave("c"); !errors.Is(err, ErrTransition) {
		t.Fatalf("leave of a down node: %v, want ErrTransition", err)
	}
	r.Rebalance(3)
	if hs := r.Handoffs(); len(hs) != len(cOwned) {
		t.Fatalf("handoffs %v, want one per partition of c %v", hs, cOwned)
	}
	if err := r.ForceRemove("c"); err != nil {
		t.Fatal(err)
	}
	r.Rebalance(3)
	if len(r.Owned("c")) != 0 || len(r.Handoffs()) != 0 {
		t.Fatalf("after force-remove c owns %v, pending %v", r.Owned("c"), r.Handoffs())
	}
	if len(r.Owned("a")) != 3 || len(r.Owned("b")) != 3 {
		t.Fatalf("a owns %v, b owns %v", r.Owned("a"), r.Owned("b"))
	}
	if err := r.Reassert("c"); !errors.Is(err, ErrTransition) {
		t.Fatalf("reassert of a removed node: %v, want ErrTransition", err)
	}
}

// TestDownAndBack: a node marked down that comes back reasserts itself,
// and claim gives it partitions again.
func TestDownAndBack(t *testing.T) {
	r := mustNew(t, 4, "a")
	if err := r.Join("b"); err != nil {
		t.Fatal(err)
	}
	settle(t, r, 2)
	if err := r.MarkDown("b"); err != nil {
		t.Fatal(err)
	}
	r.Rebalance(2) // plans b's partitions to a
	if err := r.Reassert("b"); err != nil {
		t.Fatal(err)
	}
	r.Rebalance(2) // b is valid again: the plans are cancelled
	if hs := r.Handoffs(); len(hs) != 0 {
		t.Fatalf("handoffs after b came back: %v", hs)
	}
	if got := r.Owned("b"); len(got) != 2 {
		t.Fatalf("b owns %v, want 2 partitions", got)
	}
}

func TestUnknownMember(t *testing.T) {
	r := mustNew(t, 4, "a")
	for name, op := range map[string]func(string) error{
		"leave": r.Leave, "markdown": r.MarkDown, "reassert": r.Reassert, "force-remove": r.ForceRemove,
	} {
		if err := op("zz"); !errors.Is(err, ErrUnknownMember) {
			t.Errorf("%s of an unknown node: %v, want ErrUnknownMember", name, err)
		}
	}
	if err := r.CompleteHandoff(4, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("CompleteHandoff out of range: %v, want ErrInvalid", err)
	}
}

func TestMergeMismatch(t *testing.T) {
	a := mustNew(t, 8, "a")
	b, err := New("other", 8, "a")
	if err != nil {
		t.Fatal(err)
	}
	c := mustNew(t, 16, "a")
	before := a.Clone()
	for _, o := range []*Ring{b, c} {
		if _, err := a.Merge(o); !errors.Is(err, ErrMismatch) {
			t.Fatalf("merge of another cluster: %v, want ErrMismatch", err)
		}
	}
	if !a.Equal(before) {
		t.Fatal("a failed merge changed the ring")
	}
}

// TestConcurrentPlanners: two replicas that both think they are the
// claimant plan different targets at the same epoch; one of them completes
// its handoff. After merging, the completed transfer stands and the
// claimant plans on from it.
func TestConcurrentPlanners(t *testing.T) {
	base := mustNew(t, 4, "a")
	x, y := base.Clone(), base.Clone()
	if err := x.Join("b"); err != nil {
		t.Fatal(err)
	}
	if err := y.Join("c"); err != nil {
		t.Fatal(err)
	}
	x.Rebalance(1)
	y.Rebalance(1)
	for _, h := range x.Handoffs() {
		if err := x.CompleteHandoff(h.Partition, h.Epoch); err != nil {
			t.Fatal(err)
		}
	}
	bOwned := x.Owned("b")
	m := merged(t, x, y)
	if !m.Equal(merged(t, y, x)) {
		t.Fatal("planners' rings merge differently by order")
	}
	if got := m.Owned("b"); !slices.Equal(got, bOwned) {
		t.Fatalf("after merge b owns %v, want its completed %v", got, bOwned)
	}
	settle(t, m, 1)
	for _, n := range []string{"a", "b", "c"} {
		if c := len(m.Owned(n)); c < 1 || c > 2 {
			t.Fatalf("%s owns %d of 4 after settling", n, c)
		}
	}
}

func TestStatusString(t *testing.T) {
	want := map[Status]string{Joining: "joining", Valid: "valid", Leaving: "leaving", Down: "down", Left: "left", 9: "status(9)"}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("%d.String() = %q, want %q", s, s.String(), w)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	r := mustNew(t, 64, "a")
	seen := map[int]bool{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		p := r.PartitionOf("vm", id)
		if p < 0 || p >= 64 {
			t.Fatalf("PartitionOf = %d", p)
		}
		seen[p] = true
	}
	if len(seen) < 2 {
		t.Fatal("PartitionOf maps eight ids to one partition")
	}
}
