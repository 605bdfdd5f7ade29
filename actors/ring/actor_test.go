package ring_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fifogo/fifo/actors/ring"
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/testwait"
)

type member struct {
	node *runtime.Node
	dir  string
}

func startMember(t *testing.T) member {
	t.Helper()
	// The directory first: cleanups run last-in first-out, so the node
	// (whose ring actor writes there) stops before the directory goes.
	dir := t.TempDir()
	m := member{node: runtimetest.StartNode(t), dir: dir}
	if _, err := m.node.Spawn(ring.Spec(ring.Options{DataDir: m.dir, Partitions: 16, GossipInterval: 20 * time.Millisecond})); err != nil {
		t.Fatal(err)
	}
	return m
}

func status(t *testing.T, m member) ring.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		s, err := ring.GetStatus(ctx, m.node)
		if err == nil {
			return s
		}
		if ctx.Err() != nil {
			t.Fatalf("status of %s: %v", m.node.Name(), err)
		}
		time.Sleep(5 * time.Millisecond) // ErrNotReady until the ring is loaded
	}
}

// handOff plays the handoff manager: every pending transfer that m owns
// is completed on m. It reports whether there was one.
func handOff(t *testing.T, m member) bool {
	t.Helper()
	s := status(t, m)
	done := false
	for _, h := range s.Ring.Handoffs() {
		if h.From != s.Self {
			continue
		}
		// A transfer replaced meanwhile is refused; the next round sees
		// the new one.
		_ = ring.CompleteHandoff(context.Background(), m.node, h.Partition, h.Epoch)
		done = true
	}
	return done
}

// settled reports whether every member's ring equals the first's, with
// no pending handoff and the given statuses, completing handoffs on the
// way.
func settled(t *testing.T, ms []member, want map[string]core.Status) bool {
	t.Helper()
	for _, m := range ms {
		handOff(t, m)
	}
	first := status(t, ms[0]).Ring
	for _, m := range ms[1:] {
		if !status(t, m).Ring.Equal(first) {
			return false
		}
	}
	if len(first.Handoffs()) > 0 {
		return false
	}
	for n, s := range want {
		if got, ok := first.Member(n); !ok || got.Status != s {
			return false
		}
	}
	return true
}

// TestCluster: three nodes in one process. Two join the first; gossip
// converges every replica, the claimant gives each a third of the
// partitions and handoffs complete. One leaves and ends Left, owning
// nothing. One is stopped and the others see it unreachable. The ring
// file holds what the actor holds.
func TestCluster(t *testing.T) {
	a, b, c := startMember(t), startMember(t), startMember(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status(t, a)
	for _, m := range []member{b, c} {
		status(t, m)
		if err := ring.Join(ctx, m.node, a.node.Name()); err != nil {
			t.Fatalf("join %s: %v", m.node.Name(), err)
		}
	}
	if err := ring.Join(ctx, b.node, c.node.Name()); err == nil {
		t.Fatal("a clustered node joined again")
	}

	all := []member{a, b, c}
	an, bn, cn := a.node.Name(), b.node.Name(), c.node.Name()
	testwait.For(t, 60*time.Second, "three valid members, converged", func() bool {
		return settled(t, all, map[string]core.Status{an: core.Valid, bn: core.Valid, cn: core.Valid})
	})
	r := status(t, a).Ring
	for _, n := range []string{an, bn, cn} {
		if owned := len(r.Owned(n)); owned < 5 || owned > 6 {
			t.Fatalf("%s owns %d of 16 partitions", n, owned)
		}
	}
	for p := range r.Partitions() {
		pl := r.Preflist(p, 3)
		if slices.Sort(pl); len(slices.Compact(pl)) != 3 {
			t.Fatalf("preference list of partition %d: %v, want three distinct nodes", p, r.Preflist(p, 3))
		}
	}

	if err := ring.Leave(ctx, c.node); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 60*time.Second, "c left", func() bool {
		return settled(t, all, map[string]core.Status{an: core.Valid, bn: core.Valid, cn: core.Left})
	})
	r = status(t, a).Ring
	if len(r.Owned(cn)) != 0 || len(r.Owned(an))+len(r.Owned(bn)) != 16 {
		t.Fatalf("after c left: a %v, b %v, c %v", r.Owned(an), r.Owned(bn), r.Owned(cn))
	}

	// The file holds the ring: decode it and compare.
	testwait.For(t, 60*time.Second, "a's ring file up to date", func() bool {
		raw, err := os.ReadFile(filepath.Join(a.dir, ring.FileName))
		if err != nil {
			t.Fatal(err)
		}
		onDisk, err := core.Unmarshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		return onDisk.Equal(status(t, a).Ring)
	})

	testwait.For(t, 60*time.Second, "b reachable from a", func() bool { return !slices.Contains(status(t, a).Unreachable, bn) })
	if err := b.node.Stop(); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 60*time.Second, "b unreachable from a", func() bool { return slices.Contains(status(t, a).Unreachable, bn) })
}

// TestRestartKeepsRing: a ring actor that restarts on the same data dir
// comes back with the ring it persisted.
func TestRestartKeepsRing(t *testing.T) {
	a, b := startMember(t), startMember(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status(t, a)
	status(t, b)
	if err := ring.Join(ctx, b.node, a.node.Name()); err != nil {
		t.Fatal(err)
	}
	before := status(t, b).Ring
	if _, ok := before.Member(b.node.Name()); !ok {
		t.Fatal("joined ring does not list b")
	}
	other := runtimetest.StartNode(t)
	if _, err := other.Spawn(ring.Spec(ring.Options{DataDir: b.dir, GossipInterval: time.Hour})); err != nil {
		t.Fatal(err)
	}
	got := status(t, member{node: other}).Ring
	if got.Cluster() != before.Cluster() {
		t.Fatalf("restarted on b's data dir: cluster %q, want %q", got.Cluster(), before.Cluster())
	}
	if _, ok := got.Member(b.node.Name()); !ok {
		t.Fatal("restarted ring does not list b")
	}
}
