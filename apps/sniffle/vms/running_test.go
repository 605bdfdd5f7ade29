package vms

import (
	"context"
	"testing"
	"time"
)

// heldAgents holds every Reserve until released.
type heldAgents struct {
	Agents
	reserving chan struct{}
	release   chan struct{}
}

func (h heldAgents) Reserve(ctx context.Context, hv, vm string, ramMB int64) error {
	h.reserving <- struct{}{}
	<-h.release
	return h.Agents.Reserve(ctx, hv, vm, ramMB)
}

// TestRunningFlowIsNotInterrupted: while a VM's create flow runs, a
// recovery pass (sniffle takes creates while it looks for interrupted
// ones) does not fail it, and a second Run of it does nothing; the flow
// then finishes the create.
func TestRunningFlowIsNotInterrupted(t *testing.T) {
	f := newFixture(t, 1, 4096, 512, 4)
	held := heldAgents{Agents: f.agents, reserving: make(chan struct{}, 1), release: make(chan struct{})}
	s := New(Deps{Cloud: f.cloud, Identity: f.id, Agents: held}, Options{RetryDelay: time.Millisecond, MaxRetries: 2})
	id, err := s.Register(f.ctx, f.user, f.request("web"), false)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(f.ctx, id) }()
	select {
	case <-held.reserving: // the flow is placing the VM
	case <-time.After(30 * time.Second):
		t.Fatal("the flow never reserved memory")
	}
	_, stuck, err := s.Interrupted(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stuck) != 1 || stuck[0] != id {
		t.Fatalf("interrupted %v, want the running VM listed", stuck)
	}
	if err := s.Abandon(f.ctx, id, "create interrupted (sniffle restarted)"); err != nil {
		t.Fatal(err)
	}
	if err := s.Run(f.ctx, id); err != nil { // returns at once: the flow runs
		t.Fatal(err)
	}
	vm, err := s.Get(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if vm.State == StateFailed {
		t.Fatalf("a running create was failed: %s", lastLog(vm))
	}
	close(held.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if vm, err = s.Get(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if vm.State == StateFailed || !vm.Creating.IsZero() || vm.Hypervisor == "" || vm.Hypervisor == "pooled" {
		t.Fatalf("after the flow: state %q creating %+v on %q (%s)", vm.State, vm.Creating, vm.Hypervisor, lastLog(vm))
	}
}
