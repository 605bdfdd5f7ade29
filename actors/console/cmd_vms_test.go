package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

var errNoSuchVM = errors.New("fake: no such vm")

// fakeVMs keeps VMs in memory and records the force-deletes asked for.
type fakeVMs struct {
	mu      sync.Mutex
	vms     map[string]VM
	deleted []string
	fail    error // ForceDelete's answer, when set
}

func (f *fakeVMs) Get(_ context.Context, id string) (VM, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	vm, ok := f.vms[id]
	if !ok {
		return VM{}, fmt.Errorf("vm %s: %w", id, errNoSuchVM)
	}
	return vm, nil
}

func (f *fakeVMs) ForceDelete(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	delete(f.vms, id)
	f.deleted = append(f.deleted, id)
	return nil
}

func (f *fakeVMs) forceDeleted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.deleted)
}

// TestVMsForceDelete: a VM that failed waiting for its host, or whose
// delete waits for it, is force-deleted (status 0); a VM running on a
// host is refused (status 1) unless --yes; a VM being created is refused
// even with --yes, as ForceDelete refuses it; refused commands never call
// ForceDelete; errors and a missing uuid have their statuses.
func TestVMsForceDelete(t *testing.T) {
	vms := &fakeVMs{vms: map[string]VM{
		"failed":   {ID: "failed", State: "failed", Hypervisor: "hv1", UnconfirmedHost: "hv1"},
		"deleting": {ID: "deleting", State: "running", Hypervisor: "hv2", Deleting: true},
		"running":  {ID: "running", State: "running", Hypervisor: "hv3"},
		"awaiting": {ID: "awaiting", State: "creating", Hypervisor: "hv4", Creating: "awaiting_host"},
	}}
	deps, _, _ := testDeps()
	deps.VMs = vms
	s := NewShell(deps)

	r := expect(t, s, "vms force-delete failed", StatusOK, "VM failed force-deleted", "hypervisor hv1 was not asked")
	var got VM
	if err := json.Unmarshal(r.Data, &got); err != nil || got.ID != "failed" || got.UnconfirmedHost != "hv1" {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	expect(t, s, "vms force-delete deleting", StatusOK, "force-deleted")

	expect(t, s, "vms force-delete running", StatusFailed, "running on hypervisor hv3", "--yes")
	expect(t, s, "vms force-delete awaiting --yes", StatusFailed, "being created", "awaiting_host")
	expect(t, s, "vms force-delete awaiting", StatusFailed, "being created")
	if d := vms.forceDeleted(); !slices.Equal(d, []string{"failed", "deleting"}) {
		t.Fatalf("force-deleted %v after the refusals, want [failed deleting]", d)
	}
	expect(t, s, "vms force-delete running --yes", StatusOK, "VM running force-deleted")
	if d := vms.forceDeleted(); !slices.Equal(d, []string{"failed", "deleting", "running"}) {
		t.Fatalf("force-deleted %v, want [failed deleting running]", d)
	}

	expect(t, s, "vms force-delete running", StatusFailed, "no such vm")
	expect(t, s, "vms force-delete", StatusUsage, "usage: vms force-delete <uuid>")
	expect(t, s, "vms force-delete a b", StatusUsage, `unexpected "b"`)
	expect(t, s, "vms force-delete a --force", StatusUsage, `unexpected "--force"`)

	vms.vms["stuck"] = VM{ID: "stuck", State: "failed", Hypervisor: "hv5"}
	vms.fail = errors.New("vm: still being created")
	expect(t, s, "vms force-delete stuck", StatusFailed, "vms force-delete stuck: vm: still being created")

	deps.VMs = nil
	expect(t, NewShell(deps), "vms force-delete failed", StatusFailed, "not available on this node")
}
