package vms

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// infoCreateNode is the key, in a VM's info map, of the control node that
// runs (or last ran) the VM's create: several control nodes share the
// records, and each recovers only its own creates and those of nodes
// that are gone.
const infoCreateNode = "create_node"

// recoverable reports whether this node may take up vm's interrupted
// create: it ran here, or on no recorded node (a record of an older
// version), or on a node Options.Alive says is gone. A create running on
// another live node is left alone.
func (s *Service) recoverable(ctx context.Context, vm record.VM) bool {
	node, _ := vm.Info[infoCreateNode].(string)
	switch {
	case node == "" || node == s.opts.Node:
		return true
	case s.opts.Alive == nil:
		return false
	default:
		return !s.opts.Alive(ctx, node)
	}
}

// takeCreate records that vm's create runs on this node (a create taken
// up from a node that is gone), so no other node takes it up meanwhile.
func (s *Service) takeCreate(ctx context.Context, vm record.VM) error {
	if node, _ := vm.Info[infoCreateNode].(string); node == s.opts.Node {
		return nil
	}
	if err := s.setMapEntries(ctx, vm.UUID, "info", map[string]any{infoCreateNode: s.opts.Node}); err != nil {
		return fmt.Errorf("vm %s: take up create: %w", vm.UUID, err)
	}
	return nil
}

// Interrupted lists the VMs whose create was cut short (sniffle stopped
// mid-flow): pooled ones, whose flow never started, and ones caught in a
// later phase. Only creates this node may take up are listed
// (recoverable): those of this node and of nodes that are gone.
func (s *Service) Interrupted(ctx context.Context) (pooled, stuck []string, err error) {
	err = s.repo.Store().Fold(ctx, record.BucketVM, func(id string, v []byte) error {
		r, err := record.Load(v)
		if err != nil {
			return nil
		}
		vm, err := record.VMFromRecord(r)
		if err != nil || vm.Creating.IsZero() || !s.recoverable(ctx, vm) {
			return nil
		}
		if vm.State == StatePooled {
			pooled = append(pooled, id)
		} else {
			stuck = append(stuck, id)
		}
		return nil
	})
	return pooled, stuck, err
}

// Abandon fails a create that was interrupted after it started: it frees
// the addresses recorded for the VM and any memory reservation on its
// hypervisor, and marks it failed with the reason, so no VM stays in a
// transitional state. A VM the agent already runs is left to the agent's
// reports, and one whose flow runs here is not interrupted (sniffle takes
// creates while it looks for interrupted ones), nor is one of another
// live node (recoverable).
func (s *Service) Abandon(ctx context.Context, id, reason string) error {
	if _, live := s.running.Load(id); live {
		return nil
	}
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if vm.Creating.IsZero() || !s.recoverable(ctx, vm) {
		return nil
	}
	f := &flow{vm: vm, claimed: map[string]int64{}}
	for ip, r := range vm.IPRangeMap {
		if rangeID, ok := r.(string); ok {
			f.leases = append(f.leases, cloud.Lease{IPRange: rangeID, IP: ip})
		}
	}
	if vm.Hypervisor != "" && vm.Hypervisor != "pooled" && vm.Hypervisor != "pending" {
		f.reserved = vm.Hypervisor
	}
	return s.fail(ctx, f, failf("%s", reason))
}

// dropByHV forgets the VMs-by-hypervisor read: a VM of this node moved.
func (s *Service) dropByHV() {
	s.byHVMu.Lock()
	s.byHV = nil
	s.byHVMu.Unlock()
}

// ByHypervisor maps each hypervisor to the VMs recorded on it that are
// not being created, from a read at most SnapshotTTL old (and newer than
// every placement or delete made through this service): agents that
// report their VM lists together share one read of every VM.
func (s *Service) ByHypervisor(ctx context.Context) (map[string][]string, error) {
	s.byHVMu.Lock()
	defer s.byHVMu.Unlock()
	if s.byHV != nil && s.now().Sub(s.byHVAt) < s.opts.SnapshotTTL {
		return s.byHV, nil
	}
	out := map[string][]string{}
	err := s.repo.Store().Fold(ctx, record.BucketVM, func(id string, v []byte) error {
		r, err := record.Load(v)
		if err != nil {
			return nil
		}
		vm, err := record.VMFromRecord(r)
		if err == nil && vm.Creating.IsZero() && vm.Hypervisor != "" {
			out[vm.Hypervisor] = append(out[vm.Hypervisor], id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.byHV, s.byHVAt = out, s.now()
	return out, nil
}
