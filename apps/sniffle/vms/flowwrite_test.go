package vms

import (
	"testing"
)

// TestReadOnlyPhasesGoWithTheNextWrite: placing is stored at once (it
// marks the flow as started); a phase of a step that only reads is
// announced at once but stored with the flow's next write of the record,
// and that write carries it (here with a log line), unless the write sets
// the state itself.
func TestReadOnlyPhasesGoWithTheNextWrite(t *testing.T) {
	f := newFixture(t, 1, 4096, 512, 4)
	id, err := f.Register(f.ctx, f.user, f.request("web"), false)
	if err != nil {
		t.Fatal(err)
	}
	vm, err := f.Get(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	fl := &flow{vm: vm}
	stored := func(wantState, wantPhase string) {
		t.Helper()
		vm, err := f.Get(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if vm.State != wantState || vm.Creating.Phase != wantPhase {
			t.Fatalf("stored state %q phase %q, want %q %q", vm.State, vm.Creating.Phase, wantState, wantPhase)
		}
	}
	announced := func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for _, e := range f.events {
			if e.channel == id && e.event == "state" {
				n++
			}
		}
		return n
	}
	if err := f.phase(f.ctx, fl, StatePlacing); err != nil {
		t.Fatal(err)
	}
	stored(StatePlacing, StatePlacing)
	if err := f.phase(f.ctx, fl, StateFetchingPackage); err != nil {
		t.Fatal(err)
	}
	if err := f.phase(f.ctx, fl, StateFetchingDataset); err != nil {
		t.Fatal(err)
	}
	stored(StatePlacing, StatePlacing)
	if n := announced(); n != 3 {
		t.Fatalf("%d state events, want 3 (every phase announced at once)", n)
	}
	f.logFlow(f.ctx, fl, "a line")
	stored(StateFetchingDataset, StateFetchingDataset)
	vm, _ = f.Get(f.ctx, id)
	if lastLog(vm) != "a line" {
		t.Fatalf("log %q", lastLog(vm))
	}
	if err := f.phase(f.ctx, fl, StateFetchingServer); err != nil {
		t.Fatal(err)
	}
	if err := f.write(f.ctx, fl, map[string]any{"state": StateFailed}, ""); err != nil {
		t.Fatal(err)
	}
	stored(StateFailed, StateFetchingServer)
	if len(fl.pending) != 0 {
		t.Fatalf("pending after a write: %v", fl.pending)
	}
}
