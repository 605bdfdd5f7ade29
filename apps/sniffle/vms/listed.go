package vms

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// What a hypervisor's VM list means for the VMs recorded on it, beyond
// their states (AgentState):
//
//   - a listed VM whose delete was cut short, or that failed unconfirmed
//     on that host (hostwait.go), must leave the host: RemoveFromHost;
//   - an unlisted one is absent only if the agent, asked now, does not
//     have it (Absent): a list taken before a create finished, handled
//     after, does not show a VM the host has since made.

// ListedState records the state of VM id that hypervisor hv lists, and
// reports whether the VM must be deleted from hv (RemoveFromHost): its
// delete was cut short, or it failed unconfirmed there.
func (s *Service) ListedState(ctx context.Context, hv, id, state string) (remove bool, err error) {
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if vm.Hypervisor == hv && vm.Creating.IsZero() && (vm.Deleting || unconfirmedOn(vm) == hv) {
		return true, nil
	}
	return false, s.agentState(ctx, vm, hv, state)
}

// Absent handles VM id, recorded on hypervisor hv, missing from hv's VM
// list: it asks hv's agent for it. A VM hv has after all takes its state
// (and remove says whether it must leave hv, as for ListedState); one hv
// does not have is gone there (AgentState's deleted). When the agent
// cannot answer nothing is concluded: its next list decides.
func (s *Service) Absent(ctx context.Context, hv, id string) (remove bool, err error) {
	got, err := s.agents.Get(ctx, hv, id)
	if err == nil {
		return s.ListedState(ctx, hv, id, string(got.State))
	}
	if !errors.Is(err, driver.ErrNotFound) {
		return false, fmt.Errorf("vm %s: is it on %s: %w", id, hv, err)
	}
	return false, s.AgentState(ctx, hv, id, string(driver.StateDeleted))
}

// RemoveFromHost deletes VM id from hypervisor hv (idempotent on the
// agent) when sniffle wants it gone from there — a delete cut short, or
// a VM failed unconfirmed on hv — and then finishes the delete, or
// releases what the unconfirmed VM held.
func (s *Service) RemoveFromHost(ctx context.Context, hv, id string) error {
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if vm.Hypervisor != hv || !vm.Creating.IsZero() {
		return nil
	}
	unconfirmed := unconfirmedOn(vm) == hv
	if !vm.Deleting && !unconfirmed {
		return nil
	}
	if err := s.agents.Delete(ctx, hv, id); err != nil {
		return fmt.Errorf("vm %s: delete on %s: %w", id, hv, err)
	}
	if vm.Deleting {
		return s.finishDelete(ctx, vm)
	}
	s.log(ctx, id, "removed the copy hypervisor "+hv+" had of the failed VM")
	return s.confirmAbsent(ctx, vm)
}

// Deletions lists the VMs whose delete has not finished.
func (s *Service) Deletions(ctx context.Context) ([]string, error) {
	var out []string
	err := s.repo.Store().Fold(ctx, record.BucketVM, func(id string, v []byte) error {
		r, err := record.Load(v)
		if err != nil {
			return nil
		}
		if vm, err := record.VMFromRecord(r); err == nil && vm.Deleting {
			out = append(out, id)
		}
		return nil
	})
	return out, err
}

// ResumeDelete carries on a delete that was cut short (sniffle or the
// agent stopped): the host deletes the VM again, then the delete
// finishes. A host that cannot answer now leaves the VM deleting, for its
// agent's next VM list.
func (s *Service) ResumeDelete(ctx context.Context, id string) error {
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !vm.Deleting {
		return nil
	}
	if !onHost(vm) {
		return s.finishDelete(ctx, vm)
	}
	return s.deleteOnHost(ctx, vm)
}

// ForceDelete removes a VM without its host: its addresses, grants and
// record go as with Delete, but no agent is asked. It is the operator's
// way out for a VM bound to a hypervisor that will not come back (one
// that failed waiting for its host, or a delete that cannot reach it):
// should the host return with the VM, its next VM list shows a copy
// sniffle does not know, which is left alone, so the operator must be
// sure. 423 while the VM is being created.
func (s *Service) ForceDelete(ctx context.Context, id string) error {
	vm, err := s.vm(ctx, id)
	if err != nil {
		return err
	}
	if !vm.Creating.IsZero() {
		return fmt.Errorf("vm %s (%s): %w", id, vm.Creating.Phase, ErrLocked)
	}
	s.log(ctx, id, "force-deleted without hypervisor "+vm.Hypervisor)
	vm.Deleting = true
	return s.finishDelete(ctx, vm)
}
