package replica

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/runtime"
)

// TestNamesAtOwner: a claim made through any node runs at the owner of
// the name's partition and is copied to the other replicas; a claim of
// the name for another id fails wherever it is made; a node that does not
// own the partition refuses to run a claim; with the owner down, claims
// fail with ErrUnavailable (never taken by a fallback) while lookups are
// answered from the copies.
func TestNamesAtOwner(t *testing.T) {
	ms := cluster(t, 3)
	ctx := ctxT(t)
	v := ms[0].c.view.Load()
	const bucket, name = "iplease", "range1/10.0.0.5"
	p := v.partitionOfName(bucket, name)
	var owner member
	var others []member
	for _, m := range ms {
		if m.name() == v.owner(p) {
			owner = m
		} else {
			others = append(others, m)
		}
	}
	if err := others[0].c.ClaimName(ctx, bucket, name, "vm1"); err != nil {
		t.Fatal(err)
	}
	if id, err := owner.svc.Local().LookupName(ctx, bucket, name); err != nil || id != "vm1" {
		t.Fatalf("the owner's index: %q, %v", id, err)
	}
	waitFor(t, "the claim copied to the other replicas", func() bool {
		for _, m := range others {
			if id, err := m.svc.Local().LookupName(ctx, bucket, name); err != nil || id != "vm1" {
				return false
			}
		}
		return true
	})
	for _, m := range ms {
		if err := m.c.ClaimName(ctx, bucket, name, "vm2"); !errors.Is(err, store.ErrNameTaken) {
			t.Fatalf("claim for another id through %s: %v", m.name(), err)
		}
	}
	// A non-owner refuses to run a claim itself.
	_, err := owner.node.Call(ctx, runtime.ProcessID{Name: Name, Node: others[0].name()},
		NameReq{Partition: int64(p), Bucket: bucket, Name: "other", ID: "vm3"})
	if !errors.Is(err, ErrNotOwner) {
		t.Fatalf("claim run at a non-owner: %v, want ErrNotOwner", err)
	}

	stop(t, owner, others)
	if err := others[0].c.ClaimName(ctx, bucket, name, "vm2"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("claim with the owner down: %v, want ErrUnavailable", err)
	}
	if err := others[1].c.ReleaseName(ctx, bucket, name, "vm1"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("release with the owner down: %v, want ErrUnavailable", err)
	}
	if id, err := others[1].c.LookupName(ctx, bucket, name); err != nil || id != "vm1" {
		t.Fatalf("lookup with the owner down: %q, %v", id, err)
	}
	// A name of the owner's partition that no copy holds: only the owner
	// could say it is free, so the answer is unavailable, not not-found.
	unclaimed := ""
	for i := 0; unclaimed == ""; i++ {
		if n := fmt.Sprintf("range1/10.0.%d.%d", i/256, i%256); n != name && v.partitionOfName(bucket, n) == p {
			unclaimed = n
		}
	}
	if id, err := others[1].c.LookupName(ctx, bucket, unclaimed); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("lookup of an unclaimed name with the owner down: %q, %v, want ErrUnavailable", id, err)
	}
	for _, m := range others {
		if id, err := m.svc.Local().LookupName(ctx, bucket, name); err != nil || id != "vm1" {
			t.Fatalf("%s's copy changed with the owner down: %q, %v", m.name(), id, err)
		}
	}
}
