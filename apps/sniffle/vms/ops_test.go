package vms

import (
	"errors"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

func TestLifecycleAndDelete(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	vm := f.create(t, "web")
	if vm.State != string(driver.StateRunning) {
		t.Fatalf("state after create %q (error %q)", vm.State, vm.Error)
	}
	must(f.Action(f.ctx, vm.UUID, "stop", false))
	if v, _ := f.Get(f.ctx, vm.UUID); v.State != string(driver.StateStopped) {
		t.Fatalf("after stop: %q", v.State)
	}
	if err := f.Action(f.ctx, vm.UUID, "explode", false); !errors.Is(err, cloud.ErrInvalid) {
		t.Fatalf("bad action: %v", err)
	}
	snap, err := f.Snapshot(f.ctx, vm.UUID, "before")
	must(err)
	later, err := f.Snapshot(f.ctx, vm.UUID, "after")
	must(err)
	must(f.Rollback(f.ctx, vm.UUID, snap))
	v, _ := f.Get(f.ctx, vm.UUID)
	if _, ok := v.Snapshots[later]; ok {
		t.Fatal("a newer snapshot survived the rollback")
	}
	if s, _ := v.Snapshots[snap].(map[string]any); s["state"] != "completed" || s["comment"] != "before" {
		t.Fatalf("snapshot %v", v.Snapshots[snap])
	}
	must(f.Action(f.ctx, vm.UUID, "start", false))
	if err := f.Rollback(f.ctx, vm.UUID, snap); !errors.Is(err, ErrState) {
		t.Fatalf("rollback of a running vm: %v", err)
	}
	must(f.DeleteSnapshot(f.ctx, vm.UUID, snap))
	if err := f.DeleteSnapshot(f.ctx, vm.UUID, snap); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("delete missing snapshot: %v", err)
	}

	big, err := f.cloud.CreatePackage(f.ctx, cloud.PackageSpec{Name: "huge", RAM: 8192, CPUCap: 100})
	must(err)
	if err := f.Resize(f.ctx, vm.UUID, big); !errors.Is(err, cloud.ErrConflict) {
		t.Fatalf("resize beyond the host: %v", err)
	}
	mid, err := f.cloud.CreatePackage(f.ctx, cloud.PackageSpec{Name: "mid", RAM: 2048, CPUCap: 100})
	must(err)
	must(f.Resize(f.ctx, vm.UUID, mid))

	var ip string
	for k := range v.IPRangeMap {
		ip = k
	}
	must(f.Delete(f.ctx, vm.UUID))
	if _, err := f.Get(f.ctx, vm.UUID); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("deleted vm: %v", err)
	}
	if _, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], ip); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("ip %s still leased: %v", ip, err)
	}
	h, _ := f.agents.Host(vm.Hypervisor)
	info, _ := h.Sysinfo(f.ctx)
	if info.Memory.ProvisionedMB != 0 {
		t.Fatalf("memory still provisioned: %+v", info.Memory)
	}
	if ok, _ := f.id.UserAllowed(f.ctx, f.user, perm.Permission{"vms", vm.UUID, "get"}); ok {
		t.Fatal("creator grants survive the delete")
	}
	acc, _ := f.id.Accounting(f.ctx, f.org, 0, 0)
	if len(acc) != 2 || acc[1].Action != "destroy" {
		t.Fatalf("accounting %+v", acc)
	}
	must(f.cloud.FlushIPViews(f.ctx))
	r, _ := f.cloud.Get(f.ctx, cloud.IPRanges, f.ranges[0])
	ipr, _ := record.IPRangeFromRecord(r)
	if len(ipr.Used) != 0 {
		t.Fatalf("range view still uses %v", ipr.Used)
	}
}

func TestDeleteWhileCreatingIsLocked(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	id, err := f.Register(f.ctx, f.user, f.request("x"), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(f.ctx, id); !errors.Is(err, ErrLocked) {
		t.Fatalf("delete while pooled: %v", err)
	}
	if err := f.Run(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(f.ctx, id); err != nil {
		t.Fatalf("delete after create: %v", err)
	}
}

func TestDeleteFailedVM(t *testing.T) {
	f := newFixture(t, 1, 512, 1024, 4) // no room: the create fails
	vm := f.create(t, "x")
	if vm.State != StateFailed {
		t.Fatalf("state %q", vm.State)
	}
	if err := f.Delete(f.ctx, vm.UUID); err != nil {
		t.Fatal(err)
	}
}

func TestInterruptedCreates(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	pooledID, err := f.Register(f.ctx, f.user, f.request("a"), false)
	if err != nil {
		t.Fatal(err)
	}
	stuckID, err := f.Register(f.ctx, f.user, f.request("b"), false)
	if err != nil {
		t.Fatal(err)
	}
	// b got as far as an address and a reservation, then sniffle died.
	lease, err := f.cloud.ClaimIP(f.ctx, f.ranges[0], stuckID)
	if err != nil {
		t.Fatal(err)
	}
	hv := "00000000-0000-4000-8000-000000000000"
	if err := f.agents.Reserve(f.ctx, hv, stuckID, 1024); err != nil {
		t.Fatal(err)
	}
	if err := f.set(f.ctx, stuckID, map[string]any{"state": StateCreating, "hypervisor": hv}); err != nil {
		t.Fatal(err)
	}
	if err := f.setMapEntries(f.ctx, stuckID, "iprange_map", map[string]any{lease.IP: f.ranges[0]}); err != nil {
		t.Fatal(err)
	}
	pooled, stuck, err := f.Interrupted(f.ctx)
	if err != nil || len(pooled) != 1 || pooled[0] != pooledID || len(stuck) != 1 || stuck[0] != stuckID {
		t.Fatalf("interrupted: %v %v %v", pooled, stuck, err)
	}
	if err := f.Abandon(f.ctx, stuckID, "create interrupted by a restart"); err != nil {
		t.Fatal(err)
	}
	vm, _ := f.Get(f.ctx, stuckID)
	if vm.State != StateFailed || vm.Error != "create interrupted by a restart" || !vm.Creating.IsZero() {
		t.Fatalf("abandoned vm %q %q %+v", vm.State, vm.Error, vm.Creating)
	}
	if _, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], lease.IP); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("lease kept: %v", err)
	}
	h, _ := f.agents.Host(hv)
	if info, _ := h.Sysinfo(f.ctx); info.Memory.ProvisionedMB != 0 {
		t.Fatalf("reservation kept: %+v", info.Memory)
	}
	if err := f.Run(f.ctx, pooledID); err != nil {
		t.Fatal(err)
	}
	if vm, _ := f.Get(f.ctx, pooledID); vm.State != string(driver.StateRunning) {
		t.Fatalf("resumed pooled vm: %q %q", vm.State, vm.Error)
	}
}
