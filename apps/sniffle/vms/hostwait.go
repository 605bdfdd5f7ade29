package vms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// A create call to an agent that ends without a clear answer (ambiguous:
// the agent unreachable or gone mid-call) leaves the host's side unknown.
// Releasing the VM's addresses then would let another VM lease them while
// the host may run the VM with them. So the create keeps its placement —
// hypervisor, memory reservation, addresses — and waits, in phase
// PhaseAwaitingHost, for the host to answer: it asks the agent (Get)
// every HostPoll and whenever the agent lists its VMs again (HostBack).
//
//   - The host has the VM: the create adopts it (a copy made by the lost
//     call is the VM).
//   - The host does not have it: a delete fences any create still queued
//     on the agent, the placement is undone and the flow tries again,
//     elsewhere or there.
//   - The host stays silent for HostWait: the VM fails with the reason,
//     bound to that host, its addresses still leased to it, marked
//     unconfirmed (info.unconfirmed_host). When the host comes back its
//     copy, if any, is deleted and the addresses are freed
//     (confirmAbsent). An operator who knows the host is gone for good
//     frees them at once with ForceDelete.
//
// A VM waiting so is never deleted (423) and never placed twice.

// PhaseAwaitingHost is the create phase of a VM waiting for its host to
// say whether it has it.
const PhaseAwaitingHost = "awaiting_host"

// infoUnconfirmed is the key, in a VM's info map, of the hypervisor that
// may hold a copy of the VM nobody has confirmed absent.
const infoUnconfirmed = "unconfirmed_host"

// unconfirmedOn returns the hypervisor an unconfirmed VM may be on ("").
func unconfirmedOn(vm record.VM) string {
	hv, _ := vm.Info[infoUnconfirmed].(string)
	return hv
}

// onHost reports whether a VM is recorded on a hypervisor.
func onHost(vm record.VM) bool {
	return vm.Hypervisor != "" && vm.Hypervisor != "pooled" && vm.Hypervisor != "pending"
}

// HostBack wakes the creates waiting for hypervisor hv: its agent listed
// its VMs (it registered again).
func (s *Service) HostBack(hv string) {
	s.wakeMu.Lock()
	ch, ok := s.wake[hv]
	delete(s.wake, hv)
	s.wakeMu.Unlock()
	if ok {
		close(ch)
	}
}

// hostWake returns a channel closed by the next HostBack(hv).
func (s *Service) hostWake(hv string) <-chan struct{} {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	if s.wake == nil {
		s.wake = map[string]chan struct{}{}
	}
	ch, ok := s.wake[hv]
	if !ok {
		ch = make(chan struct{})
		s.wake[hv] = ch
	}
	return ch
}

// markAwaiting records, in one write, that VM id waits for hypervisor hv
// since at, with a log line.
func (s *Service) markAwaiting(ctx context.Context, id, hv string, at time.Time, line string) error {
	now := s.now().UnixMicro()
	err := s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if _, err := r.SetField(st, "creating", record.Creating{Phase: PhaseAwaitingHost, Secs: at.Unix()}); err != nil {
			return nil, err
		}
		if _, err := r.SetMapEntry(st, "info", []string{infoUnconfirmed}, hv); err != nil {
			return nil, err
		}
		if _, err := r.AddToSet(st, "logs", record.LogEntry{Date: now, Log: line}); err != nil {
			return nil, err
		}
		return r, nil
	})
	if err != nil {
		return fmt.Errorf("vm %s: awaiting host: %w", id, err)
	}
	s.events.Publish(id, "log", map[string]any{"log": line, "date": now})
	return nil
}

// errHostSilent: the host did not answer within HostWait.
var errHostSilent = errors.New("host silent")

// awaitHost waits until hypervisor hv says whether it has VM id, or until
// since+HostWait (errHostSilent), or ctx ends (its error). present comes
// with the VM as the host has it. Absence is fenced: a delete on the
// agent (idempotent) runs after any create of the VM still queued there.
func (s *Service) awaitHost(ctx context.Context, id, hv string, since time.Time) (vm driver.VM, present bool, err error) {
	deadline := since.Add(s.opts.HostWait)
	for {
		wake := s.hostWake(hv) // before asking: a re-registration meanwhile is not missed
		got, err := s.agents.Get(ctx, hv, id)
		if err == nil {
			return got, true, nil
		}
		if errors.Is(err, driver.ErrNotFound) {
			if derr := s.agents.Delete(ctx, hv, id); derr == nil {
				return driver.VM{}, false, nil
			}
		}
		if ctx.Err() != nil {
			return driver.VM{}, false, ctx.Err()
		}
		left := deadline.Sub(s.now())
		if left <= 0 {
			return driver.VM{}, false, errHostSilent
		}
		t := time.NewTimer(min(left, s.opts.HostPoll))
		select {
		case <-ctx.Done():
			t.Stop()
			return driver.VM{}, false, ctx.Err()
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// silentFailure is the failure of a create whose host stayed silent: it
// keeps the VM on hv with its addresses.
func (s *Service) silentFailure(hv string, cause error) error {
	return failure{reason: fmt.Sprintf("hypervisor %s did not answer within %s after the create call failed (%v): "+
		"the VM may exist there, so its addresses stay reserved until the host confirms it absent "+
		"(or an operator force-deletes the VM)", hv, s.opts.HostWait, cause), keepOn: hv}
}

// adopt ends a create whose host turned out to have the VM: the create is
// done, the VM in the host's state.
func (s *Service) adopt(ctx context.Context, id, hv string, got driver.VM) error {
	now := s.now().UnixMicro()
	line := "hypervisor " + hv + " has the VM: created there"
	err := s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if _, err := r.SetField(st, "creating", record.Creating{}); err != nil {
			return nil, err
		}
		if got.State != "" {
			if _, err := r.SetField(st, "state", string(got.State)); err != nil {
				return nil, err
			}
		}
		if _, err := r.RemoveMapEntry("info", []string{infoUnconfirmed}); err != nil {
			return nil, err
		}
		if _, err := r.AddToSet(st, "logs", record.LogEntry{Date: now, Log: line}); err != nil {
			return nil, err
		}
		return r, nil
	})
	if err != nil {
		return fmt.Errorf("vm %s: adopt: %w", id, err)
	}
	s.dropByHV()
	if got.State != "" {
		s.events.Publish(id, "state", string(got.State))
	}
	s.events.Publish(id, "log", map[string]any{"log": line, "date": now})
	return nil
}

// clearUnconfirmed drops the unconfirmed mark of a VM.
func (s *Service) clearUnconfirmed(ctx context.Context, id string) error {
	return s.removeMapEntry(ctx, id, "info", infoUnconfirmed)
}

// confirmAbsent finishes a failed VM that waited for its host, once the
// host has confirmed it does not (or no longer) have it: its addresses
// and the host's memory reservation are released, and it is on no
// hypervisor any more.
func (s *Service) confirmAbsent(ctx context.Context, vm record.VM) error {
	id := vm.UUID
	key := "confirm/" + id
	if _, busy := s.finishing.LoadOrStore(key, struct{}{}); busy {
		return nil
	}
	defer s.finishing.Delete(key)
	for ip, r := range vm.IPRangeMap {
		rangeID, _ := r.(string)
		err := s.cloud.ReleaseIP(ctx, rangeID, ip, id)
		if err != nil && !errors.Is(err, cloud.ErrNotFound) && !errors.Is(err, cloud.ErrConflict) {
			return fmt.Errorf("vm %s: release %s: %w", id, ip, err)
		}
	}
	if err := s.agents.Release(ctx, vm.Hypervisor, id); err != nil {
		s.logger.Warn("memory reservation not released", "vm", id, "hypervisor", vm.Hypervisor, "err", err)
	}
	if err := s.set(ctx, id, map[string]any{"hypervisor": ""}); err != nil {
		return err
	}
	if err := s.clearUnconfirmed(ctx, id); err != nil {
		return err
	}
	s.dropByHV()
	s.log(ctx, id, "hypervisor "+vm.Hypervisor+" confirms it does not have the VM: its addresses are released")
	return nil
}

// Settle takes up, after a restart of sniffle, a create that was cut
// short (reason says how): one that may have reached its host's agent
// (placed, or waiting for the host) waits for the host to answer, as the
// create would have; the VM is adopted, failed with everything released,
// or failed bound to the silent host. Any other is failed (Abandon). A
// create whose flow runs here, or on another live node (recoverable), is
// left alone; one of a node that is gone becomes this node's.
func (s *Service) Settle(ctx context.Context, id, reason string) error {
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !s.recoverable(ctx, vm) {
		return nil
	}
	if vm.Creating.IsZero() || !onHost(vm) {
		return s.Abandon(ctx, id, reason)
	}
	if _, live := s.running.LoadOrStore(id, struct{}{}); live {
		return nil
	}
	defer s.running.Delete(id)
	if err := s.takeCreate(ctx, vm); err != nil {
		return err
	}
	since := s.now()
	if vm.Creating.Phase == PhaseAwaitingHost {
		since = time.Unix(vm.Creating.Secs, 0)
	} else if err := s.markAwaiting(ctx, id, vm.Hypervisor, since, reason+": waiting for hypervisor "+
		vm.Hypervisor+" to say whether it has the VM"); err != nil {
		return err
	}
	got, present, err := s.awaitHost(ctx, id, vm.Hypervisor, since)
	switch {
	case present:
		return s.adopt(ctx, id, vm.Hypervisor, got)
	case errors.Is(err, errHostSilent):
		return s.fail(ctx, &flow{vm: vm, claimed: map[string]int64{}}, s.silentFailure(vm.Hypervisor, errors.New(reason)))
	case err != nil:
		return nil // stopping: the next start takes it up again
	}
	f := &flow{vm: vm, claimed: map[string]int64{}, reserved: vm.Hypervisor}
	for ip, r := range vm.IPRangeMap {
		if rangeID, ok := r.(string); ok {
			f.leases = append(f.leases, cloud.Lease{IPRange: rangeID, IP: ip})
		}
	}
	if err := s.clearUnconfirmed(ctx, id); err != nil {
		return err
	}
	return s.fail(ctx, f, failf("%s (hypervisor %s does not have the VM)", reason, vm.Hypervisor))
}

// awaitCreate follows a create call to hv that ended without a clear
// answer (cause): the VM waits for hv, bound to it, and the answer
// decides. present: hv has the VM (got, as hv has it). Not present: hv
// does not have it, and the caller undoes the placement. A silent host
// fails the create keeping the placement; sniffle stopping meanwhile is
// errStillAwaiting (the VM keeps waiting; Settle takes it up).
func (s *Service) awaitCreate(ctx context.Context, f *flow, hv string, cause error) (got driver.VM, present bool, err error) {
	id := f.vm.UUID
	since := s.now()
	line := fmt.Sprintf("create on %s: no clear answer (%v): waiting for the host to say whether it has the VM", hv, cause)
	if err := s.markAwaiting(context.WithoutCancel(ctx), id, hv, since, line); err != nil {
		return got, false, err
	}
	f.awaited = true
	back := leaveSlot(ctx)
	got, present, err = s.awaitHost(ctx, id, hv, since)
	if berr := back(ctx); berr != nil && err == nil && !present {
		err = berr // stopping before the flow could go on
	}
	switch {
	case present:
		return got, true, nil
	case errors.Is(err, errHostSilent):
		return got, false, s.silentFailure(hv, cause)
	case err != nil:
		return got, false, errStillAwaiting
	}
	if err := s.clearUnconfirmed(ctx, id); err != nil {
		return got, false, err
	}
	f.awaited = false
	return got, false, nil
}
