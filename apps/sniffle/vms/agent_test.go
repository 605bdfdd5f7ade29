package vms

import (
	"errors"
	"strings"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

// TestRemoveLeftover: a copy of a VM on a hypervisor sniffle has not
// placed it on is deleted there, once the VM is settled; the VM itself,
// VMs being created and unknown VMs are left alone.
func TestRemoveLeftover(t *testing.T) {
	f := newFixture(t, 2, 4096, 256, 20)
	vm := f.create(t, "a")
	if vm.State != string(driver.StateRunning) {
		t.Fatalf("create: %s %s", vm.State, vm.Error)
	}
	other := "00000000-0000-4000-8000-000000000000"
	if vm.Hypervisor == other {
		other = "00000000-0000-4000-8000-000000000001"
	}
	home, err := f.agents.Host(vm.Hypervisor)
	if err != nil {
		t.Fatal(err)
	}
	copyHost, err := f.agents.Host(other)
	if err != nil {
		t.Fatal(err)
	}
	// The copy an interrupted create would have left on the other host.
	spec := driver.Spec{UUID: vm.UUID, Brand: "joyent", ImageUUID: datasetUUID, MaxPhysicalMemory: 256, Autoboot: true}
	if err := copyHost.Create(f.ctx, spec); err != nil {
		t.Fatal(err)
	}

	if removed, err := f.RemoveLeftover(f.ctx, vm.Hypervisor, vm.UUID); removed || err != nil {
		t.Fatalf("the VM on its own hypervisor: removed %v, %v", removed, err)
	}
	if removed, err := f.RemoveLeftover(f.ctx, other, "00000000-0000-4000-8000-0000000000ff"); removed || err != nil {
		t.Fatalf("an unknown VM: removed %v, %v", removed, err)
	}
	if removed, err := f.RemoveLeftover(f.ctx, other, vm.UUID); !removed || err != nil {
		t.Fatalf("the leftover copy: removed %v, %v", removed, err)
	}
	if _, err := copyHost.Get(f.ctx, vm.UUID); !errors.Is(err, driver.ErrNotFound) {
		t.Fatalf("the copy is still there: %v", err)
	}
	if got, err := home.Get(f.ctx, vm.UUID); err != nil || got.State != driver.StateRunning {
		t.Fatalf("the VM itself: %v %v", got.State, err)
	}
	after, _ := f.Get(f.ctx, vm.UUID)
	if after.State != string(driver.StateRunning) || after.Hypervisor != vm.Hypervisor ||
		!strings.Contains(lastLog(after), "removed the copy an interrupted create left on hypervisor "+other) {
		t.Fatalf("record after the removal: %s on %s, log %q", after.State, after.Hypervisor, lastLog(after))
	}

	// A VM still being created belongs to its flow.
	id, err := f.Register(f.ctx, f.user, f.request("b"), false)
	if err != nil {
		t.Fatal(err)
	}
	spec.UUID = id
	if err := copyHost.Create(f.ctx, spec); err != nil {
		t.Fatal(err)
	}
	if removed, err := f.RemoveLeftover(f.ctx, other, id); removed || err != nil {
		t.Fatalf("a VM being created: removed %v, %v", removed, err)
	}
	if _, err := copyHost.Get(f.ctx, id); err != nil {
		t.Fatalf("a VM being created was touched: %v", err)
	}
}
