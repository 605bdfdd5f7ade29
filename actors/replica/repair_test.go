package replica

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/record"
)

// TestReadRepair: a replica that missed a write (it was written straight
// into the other two stores) is sent the merged value by a read.
func TestReadRepair(t *testing.T) {
	ms := cluster(t, 3)
	ctx := ctxT(t)
	if _, err := ms[0].c.Apply(ctx, record.BucketUser, "u1", user(t, "a", 1, "ann")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "u1 on every replica", func() bool {
		return stored(t, ms[2], record.BucketUser, "u1") != nil && stored(t, ms[1], record.BucketUser, "u1") != nil
	})
	later := user(t, "b", 2, "bob")
	for _, m := range ms[:2] {
		if _, err := m.svc.Local().Apply(ctx, record.BucketUser, "u1", later); err != nil {
			t.Fatal(err)
		}
	}
	if field(t, stored(t, ms[2], record.BucketUser, "u1"), "name") != "ann" {
		t.Fatal("the third replica is not stale")
	}
	got, err := ms[2].c.Get(ctx, record.BucketUser, "u1")
	if err != nil || field(t, got, "name") != "bob" {
		t.Fatalf("get: %v", err)
	}
	want := stored(t, ms[0], record.BucketUser, "u1")
	waitFor(t, "the stale replica repaired", func() bool {
		return bytes.Equal(stored(t, ms[2], record.BucketUser, "u1"), want)
	})
	if testutil.ToFloat64(ms[2].c.m.ReadRepairs) < 1 {
		t.Fatal("read repair not counted")
	}
}

// TestDeleteNotResurrected: a replica that was down during a delete
// still holds the record; a read through it answers not found, and read
// repair turns its copy into the tombstone, so nothing brings the record
// back (nor a fold through it).
func TestDeleteNotResurrected(t *testing.T) {
	ms := cluster(t, 3)
	a, b, c := ms[0], ms[1], ms[2]
	ctx := ctxT(t)
	if _, err := a.c.Apply(ctx, record.BucketUser, "u1", user(t, "a", 1, "ann")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "u1 on c", func() bool { return stored(t, c, record.BucketUser, "u1") != nil })
	stop(t, c, []member{a, b})
	if err := a.c.Delete(ctx, record.BucketUser, "u1"); err != nil {
		t.Fatalf("delete with one replica down: %v", err)
	}
	if _, err := b.c.Get(ctx, record.BucketUser, "u1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	c = restart(t, c, []member{a, b})
	if v := stored(t, c, record.BucketUser, "u1"); v == nil || record.IsTombstone(v) {
		t.Fatal("the replica that missed the delete should still hold the record")
	}
	if _, err := c.c.Get(ctx, record.BucketUser, "u1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get through the stale replica: %v, want not found", err)
	}
	waitFor(t, "the stale replica's copy deleted by read repair", func() bool {
		return record.IsTombstone(stored(t, c, record.BucketUser, "u1"))
	})
	for _, m := range []member{a, b, c} {
		var ids []string
		if err := m.c.Fold(ctx, record.BucketUser, func(id string, _ []byte) error {
			ids = append(ids, id)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ids, "u1") {
			t.Fatalf("fold through %s lists the deleted record", m.name())
		}
	}
	// A write after the delete brings it back, with the new field only.
	if _, err := b.c.Apply(ctx, record.BucketUser, "u1", laterWrite(t, a, "u1", "cat")); err != nil {
		t.Fatal(err)
	}
	got, err := c.c.Get(ctx, record.BucketUser, "u1")
	if err != nil || field(t, got, "name") != "cat" {
		t.Fatalf("a write after the delete: %v", err)
	}
}

// laterWrite is a write made on the record as m reads it (after a delete:
// on the tombstone, so its dots are fresh).
func laterWrite(t *testing.T, m member, id, name string) []byte {
	t.Helper()
	cur := stored(t, m, record.BucketUser, id)
	r, err := record.Load(cur)
	if err != nil {
		t.Fatal(err)
	}
	d := r.Fields.SetLWW("z", "name", tsOf(100), []byte(name))
	b, err := record.Marshal(&record.Record{Type: r.Type, Schema: r.Schema, Fields: &d})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHintedHandoff: four nodes, N=3. A primary of a key is down during a
// write; the fourth node keeps the write as a hint and hands it to the
// primary once it is back, then drops it.
func TestHintedHandoff(t *testing.T) {
	ms := cluster(t, 4)
	v := ms[0].c.view.Load()
	p := v.partitionOf(record.BucketUser, "u1")
	pl := v.r.Preflist(p, 3)
	var victim, spare member
	var rest []member
	for _, m := range ms {
		switch {
		case m.name() == pl[2]:
			victim = m
		case !slices.Contains(pl, m.name()):
			spare = m
		default:
			rest = append(rest, m)
		}
	}
	stop(t, victim, append([]member{spare}, rest...))
	ctx := ctxT(t)
	if _, err := rest[0].c.Apply(ctx, record.BucketUser, "u1", user(t, "a", 1, "ann")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a hint on the fallback", func() bool { return testutil.ToFloat64(spare.c.m.HintsStored) >= 1 })
	// The fallback answers reads for the primary it stands in for.
	got, err := spare.c.Get(ctx, record.BucketUser, "u1")
	if err != nil || field(t, got, "name") != "ann" {
		t.Fatalf("read with the primary down: %v", err)
	}
	victim = restart(t, victim, append([]member{spare}, rest...))
	waitFor(t, "the hint handed to the primary", func() bool {
		v := stored(t, victim, record.BucketUser, "u1")
		return v != nil && field(t, v, "name") == "ann"
	})
	waitFor(t, "the hint dropped", func() bool { return spare.c.hints.count() == 0 })
	if testutil.ToFloat64(spare.c.m.HintsHandedOff) < 1 {
		t.Fatal("handoff not counted")
	}
}
