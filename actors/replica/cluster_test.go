package replica

import (
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/record"
)

// TestAlone: a node alone in its ring serves from its own store, as
// store.Local does: writes, reads, physical deletes, folds and names,
// without a single coordinated request.
func TestAlone(t *testing.T) {
	m := startMember(t)
	ctx := ctxT(t)
	if !m.c.view.Load().alone {
		t.Fatal("a new node is not alone")
	}
	v, err := m.c.Apply(ctx, record.BucketUser, "u1", user(t, "a", 1, "ann"))
	if err != nil || field(t, v, "name") != "ann" {
		t.Fatalf("apply: %q, %v", v, err)
	}
	if got, err := m.c.Get(ctx, record.BucketUser, "u1"); err != nil || field(t, got, "name") != "ann" {
		t.Fatalf("get: %v", err)
	}
	if err := m.c.ClaimName(ctx, record.BucketUser, "ann", "u1"); err != nil {
		t.Fatal(err)
	}
	if err := m.c.ClaimName(ctx, record.BucketUser, "ann", "u2"); !errors.Is(err, store.ErrNameTaken) {
		t.Fatalf("second claim: %v", err)
	}
	if err := m.c.Delete(ctx, record.BucketUser, "u1"); err != nil {
		t.Fatal(err)
	}
	if stored(t, m, record.BucketUser, "u1") != nil {
		t.Fatal("a node alone keeps a deleted record")
	}
	if _, err := m.c.Get(ctx, record.BucketUser, "u1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if n := testutil.CollectAndCount(m.c.m.Requests); n != 0 {
		t.Fatalf("%d coordinated request series on a node alone", n)
	}
}

// TestQuorumsWithOneReplicaDown: three nodes, N=3, W=2, R=2. A write
// through one node lands on all three; with one node stopped, writes and
// reads still succeed (the third replica's share goes to a hint on the
// one node left: N=3 over 2 live nodes has no fallback, so W=2 is met by
// the two primaries). With two stopped, writes fail with ErrUnavailable.
func TestQuorumsWithOneReplicaDown(t *testing.T) {
	ms := cluster(t, 3)
	a, b, c := ms[0], ms[1], ms[2]
	ctx := ctxT(t)
	if _, err := a.c.Apply(ctx, record.BucketUser, "u1", user(t, "a", 1, "ann")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "u1 on every replica", func() bool {
		for _, m := range ms {
			if v := stored(t, m, record.BucketUser, "u1"); v == nil || field(t, v, "name") != "ann" {
				return false
			}
		}
		return true
	})
	got, err := c.c.Get(ctx, record.BucketUser, "u1")
	if err != nil || field(t, got, "name") != "ann" {
		t.Fatalf("get through c: %v", err)
	}

	stop(t, c, []member{a, b})
	if _, err := a.c.Apply(ctx, record.BucketUser, "u1", user(t, "b", 2, "bob")); err != nil {
		t.Fatalf("write with one replica down: %v", err)
	}
	got, err = b.c.Get(ctx, record.BucketUser, "u1")
	if err != nil || field(t, got, "name") != "bob" {
		t.Fatalf("read with one replica down: %q, %v", got, err)
	}

	stop(t, b, []member{a})
	_, err = a.c.Apply(ctx, record.BucketUser, "u1", user(t, "a", 3, "cat"))
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("write with two replicas of three down: %v, want ErrUnavailable", err)
	}
	if _, err := a.c.Get(ctx, record.BucketUser, "u1"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("read with two replicas of three down: %v, want ErrUnavailable", err)
	}
	if got := testutil.ToFloat64(a.c.m.Requests.WithLabelValues("apply", "unavailable")); got != 1 {
		t.Fatalf("unavailable writes counted: %v", got)
	}
}
