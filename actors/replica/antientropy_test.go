package replica

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fifogo/fifo/actors/aae"
	"github.com/fifogo/fifo/actors/handoff"
	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/supervisors"
)

// withAAEAndHandoff starts a member whose cluster application runs
// anti-entropy and handoff, as every node of a release does, both fast.
func withAAEAndHandoff(t testing.TB) member {
	return restartMember(t, "", t.TempDir(), func(svc *store.Service) []supervisors.Child {
		a, err := aae.New(aae.Options{Store: svc, Interval: 10 * time.Millisecond, CallTimeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		h, err := handoff.New(handoff.Options{Store: svc, Interval: 20 * time.Millisecond, CallTimeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return []supervisors.Child{supervisors.ActorChild(a.Spec()), supervisors.ActorChild(h.Spec())}
	})
}

// TestAntiEntropyAndHandoffKeepDeletes: anti-entropy and handoff move
// values, and a tombstone is one. Three members, N=3; c is down while
// records are deleted, so it alone still holds them. Once c is back,
// anti-entropy alone (nothing reads through c) turns c's copies into the
// tombstones; a fourth member then joins and receives partitions by
// handoff (from c among others): no member ever holds a deleted record
// live again, every read answers not found, and the records never
// deleted are everywhere.
func TestAntiEntropyAndHandoffKeepDeletes(t *testing.T) {
	ms := clusterOf(t, 3, withAAEAndHandoff)
	a, b, c := ms[0], ms[1], ms[2]
	ctx := ctxT(t)
	const n = 24
	id := func(i int) string { return fmt.Sprintf("u%02d", i) }
	for i := range n {
		if _, err := a.c.Apply(ctx, record.BucketUser, id(i), user(t, "a", int64(i+1), "name-"+id(i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "every record on c", func() bool {
		for i := range n {
			if stored(t, c, record.BucketUser, id(i)) == nil {
				return false
			}
		}
		return true
	})
	stop(t, c, []member{a, b})
	deleted := func(i int) bool { return i%2 == 0 }
	for i := range n {
		if deleted(i) {
			if err := a.c.Delete(ctx, record.BucketUser, id(i)); err != nil {
				t.Fatalf("delete %s with c down: %v", id(i), err)
			}
		}
	}
	c = restart(t, c, []member{a, b})
	ms[2] = c
	if v := stored(t, c, record.BucketUser, id(0)); v == nil || record.IsTombstone(v) {
		t.Fatal("c should still hold the record deleted while it was down")
	}
	// Every member's own store, never a read through the cluster (read
	// repair would mend it): deleted records are tombstones or absent,
	// the others live with their name.
	settled := func(ms []member) bool {
		r := ringOf(t, ms[0]).Ring
		for _, m := range ms {
			for i := range n {
				v := stored(t, m, record.BucketUser, id(i))
				if deleted(i) {
					if v != nil && !record.IsTombstone(v) {
						t.Fatalf("%s holds deleted record %s live again: %q", m.name(), id(i), field(t, v, "name"))
					}
					continue
				}
				replica := slices.Contains(r.Preflist(r.PartitionOf(record.BucketUser, id(i)), 3), m.name())
				if replica && (v == nil || field(t, v, "name") != "name-"+id(i)) {
					return false
				}
			}
		}
		return true
	}
	waitFor(t, "anti-entropy turning c's copies into tombstones", func() bool {
		for i := range n {
			if v := stored(t, c, record.BucketUser, id(i)); deleted(i) && !record.IsTombstone(v) {
				return false
			}
		}
		return settled(ms)
	})

	d := withAAEAndHandoff(t)
	if err := d.c.Join(ctxT(t), a.name(), false); err != nil {
		t.Fatalf("join d: %v", err)
	}
	all := append(ms, d)
	var why string
	waitFor(t, "d valid and every handoff completed", func() bool {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, m := range all {
			s, err := actorring.GetStatus(cctx, m.node)
			if err != nil || len(s.Ring.Handoffs()) > 0 || len(s.Ring.WithStatus(ring.Valid)) != 4 {
				if err != nil {
					why = err.Error()
					return false
				}
				why = fmt.Sprintf("%s: handoffs %v, valid %v", m.name(), s.Ring.Handoffs(), s.Ring.WithStatus(ring.Valid))
				if st, err := handoff.GetStats(cctx, m.node); err == nil {
					why += fmt.Sprintf(", handoff %+v", st)
				}
				return false
			}
		}
		why = "records"
		return settled(all)
	}, &why)
	if got := ownedBy(t, d); got == 0 {
		t.Fatal("d owns no partition after the handoffs")
	}
	for _, m := range all {
		for i := range n {
			_, err := m.c.Get(ctxT(t), record.BucketUser, id(i))
			if deleted(i) && !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("get %s through %s: %v, want not found", id(i), m.name(), err)
			}
			if !deleted(i) && err != nil {
				t.Fatalf("get %s through %s: %v", id(i), m.name(), err)
			}
		}
	}
}

// ownedBy counts the partitions m owns in its ring.
func ownedBy(t *testing.T, m member) int {
	t.Helper()
	return len(ringOf(t, m).Ring.Owned(m.name()))
}
