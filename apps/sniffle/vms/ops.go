package vms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// Errors of VM operations beyond the shared ones.
var (
	// ErrLocked: the VM is still being created (423).
	ErrLocked = errors.New("vm: still being created")
	// ErrState: the VM is in the wrong state for the operation (412).
	ErrState = errors.New("vm: wrong state")
)

// placed returns a VM that runs on a hypervisor.
func (s *Service) placed(ctx context.Context, id string) (record.VM, error) {
	vm, err := s.vm(ctx, id)
	if err != nil {
		return vm, err
	}
	if vm.Hypervisor == "" || vm.Hypervisor == "pooled" || vm.Hypervisor == "pending" {
		return vm, fmt.Errorf("vm %s is on no hypervisor: %w", id, ErrState)
	}
	return vm, nil
}

// Action runs start, stop or reboot (PUT /vms/:id/state). The new state
// arrives with the agent's report (AgentState).
func (s *Service) Action(ctx context.Context, id, action string, force bool) error {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	switch action {
	case "start":
		err = s.agents.Start(ctx, vm.Hypervisor, id)
	case "stop":
		err = s.agents.Stop(ctx, vm.Hypervisor, id, force)
	case "reboot":
		err = s.agents.Reboot(ctx, vm.Hypervisor, id, force)
	default:
		return fmt.Errorf("vm action %q: %w", action, cloud.ErrInvalid)
	}
	if err != nil {
		return agentErr(err, "vm "+action)
	}
	s.log(ctx, id, action+" requested")
	return nil
}

// agentErr maps an agent's error onto the service's.
func agentErr(err error, what string) error {
	switch {
	case errors.Is(err, driver.ErrNotFound):
		return fmt.Errorf("%s: %w: %w", what, cloud.ErrNotFound, err)
	case errors.Is(err, driver.ErrConflict), errors.Is(err, driver.ErrNoMemory):
		return fmt.Errorf("%s: %w: %w", what, cloud.ErrConflict, err)
	case errors.Is(err, driver.ErrInvalid):
		return fmt.Errorf("%s: %w: %w", what, cloud.ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// AgentState records a state an agent reports for one of its VMs. A VM
// reported deleted by its hypervisor is finished off (a delete), freed
// (a VM failed unconfirmed on that host, hostwait.go) or failed; reports
// from a hypervisor the VM is not on are ignored.
func (s *Service) AgentState(ctx context.Context, hv, id, state string) error {
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return nil // not ours (or already gone)
	}
	if err != nil {
		return err
	}
	return s.agentState(ctx, vm, hv, state)
}

func (s *Service) agentState(ctx context.Context, vm record.VM, hv, state string) error {
	id := vm.UUID
	if vm.Hypervisor != hv {
		return nil
	}
	if state == string(driver.StateDeleted) && !vm.Creating.IsZero() {
		return nil // the create is still handing it to the host
	}
	unconfirmed := vm.Creating.IsZero() && unconfirmedOn(vm) == hv
	if state == string(driver.StateDeleted) {
		switch {
		case vm.Deleting:
			return s.finishDelete(ctx, vm)
		case unconfirmed:
			return s.confirmAbsent(ctx, vm)
		}
		return s.set(ctx, id, map[string]any{"state": StateFailed, "error": "deleted on its hypervisor"})
	}
	if vm.State == state || vm.Deleting || unconfirmed {
		return nil // an unconfirmed copy is removed, not adopted (RemoveFromHost)
	}
	return s.setState(ctx, id, state)
}

// Delete deletes a VM (fifo.md §5.6): 423 while it is being created (for
// CreatingGrace, and as long as it waits for its host to say whether it
// has it); a VM on no hypervisor is removed at once, one recorded on a
// hypervisor — failed ones too — is deleted by that host's agent first
// (idempotent there). A delete the agent could not answer leaves the VM
// deleting; it resumes when the agent lists its VMs again
// (RemoveFromHost, Absent) or sniffle starts (ResumeDelete).
func (s *Service) Delete(ctx context.Context, id string) error {
	vm, err := s.vm(ctx, id)
	if err != nil {
		return err
	}
	if vm.Creating.Phase == PhaseAwaitingHost ||
		!vm.Creating.IsZero() && s.now().Unix()-vm.Creating.Secs < int64(s.opts.CreatingGrace.Seconds()) {
		return fmt.Errorf("vm %s (%s): %w", id, vm.Creating.Phase, ErrLocked)
	}
	if !onHost(vm) || vm.State == "stored" {
		return s.finishDelete(ctx, vm)
	}
	// A failed VM keeps its state (what it held was given back when it
	// failed); the others show deleting.
	fields := map[string]any{"deleting": true}
	failed := strings.HasPrefix(vm.State, StateFailed)
	if !failed {
		fields["state"] = StateDeleting
	}
	if err := s.set(ctx, id, fields); err != nil {
		return err
	}
	if !failed {
		s.events.Publish(id, "state", StateDeleting)
	}
	vm.Deleting = true
	return s.deleteOnHost(ctx, vm)
}

// deleteOnHost has a deleting VM's host delete it, then finishes the
// delete.
func (s *Service) deleteOnHost(ctx context.Context, vm record.VM) error {
	if err := s.agents.Delete(ctx, vm.Hypervisor, vm.UUID); err != nil {
		return agentErr(err, "vm delete")
	}
	return s.finishDelete(ctx, vm)
}

// finishDelete frees what a VM holds and removes its record: IP leases,
// grants, the package's org resources, grouping membership; accounting
// "destroy" and a howl delete event.
//
// Both the delete call and the agent's "deleted" report may get here: the
// first one does the work, one arriving meanwhile waits for it to end
// (so a Delete returns once the VM is gone) and one arriving later finds
// no VM. (Not a repo update: the work below makes those, and a record's
// updates do not nest.)
//
// Several control nodes may get here for one VM (a delete through one,
// the agent's report on another): the VM is claimed cluster-wide first
// (finishBucket, by node name), and a node that finds it claimed by
// another leaves the work to that one, so the org's resources and
// accounting are written once. The claim is released once the record is
// gone; a finisher that claims after that finds no VM.
func (s *Service) finishDelete(ctx context.Context, vm record.VM) error {
	id := vm.UUID
	done := make(chan struct{})
	if other, busy := s.finishing.LoadOrStore(id, done); busy {
		select {
		case <-other.(chan struct{}):
			return nil
		case <-ctx.Done():
			return fmt.Errorf("vm %s: delete: %w", id, ctx.Err())
		}
	}
	defer func() {
		s.finishing.Delete(id)
		close(done)
	}()
	st := s.repo.Store()
	switch err := st.ClaimName(ctx, finishBucket, id, s.opts.Node); {
	case errors.Is(err, recstore.ErrNameTaken):
		return nil // another node finishes it
	case err != nil:
		return fmt.Errorf("vm %s: delete: claim: %w", id, err)
	}
	if _, err := s.vm(ctx, id); errors.Is(err, cloud.ErrNotFound) {
		return s.releaseFinish(ctx, id)
	}
	for ip, r := range vm.IPRangeMap {
		rangeID, _ := r.(string)
		// Another holder has it: a create's earlier attempt released it.
		err := s.cloud.ReleaseIP(ctx, rangeID, ip, id)
		if err != nil && !errors.Is(err, cloud.ErrNotFound) && !errors.Is(err, cloud.ErrConflict) {
			return fmt.Errorf("vm %s: release %s: %w", id, ip, err)
		}
	}
	for _, p := range []perm.Permission{{"vms", id}, {"channels", id}} {
		if _, err := s.id.RevokePrefix(ctx, p); err != nil {
			return fmt.Errorf("vm %s: revoke grants: %w", id, err)
		}
	}
	if vm.Owner != "" && vm.State != StateFailed {
		if err := s.returnOrgResources(ctx, vm); err != nil {
			return err
		}
		err := s.id.AddAccounting(ctx, vm.Owner, identity.AccountingEntry{Timestamp: s.now().UnixMicro(),
			Action: "destroy", Resource: id})
		if err != nil && !errors.Is(err, cloud.ErrNotFound) {
			return fmt.Errorf("vm %s: accounting: %w", id, err)
		}
	}
	for _, g := range vm.Groupings {
		_ = s.cloud.RemoveGroupingElement(ctx, g, id)
	}
	if err := st.Delete(ctx, record.BucketVM, id); err != nil {
		return fmt.Errorf("vm %s: %w", id, err)
	}
	s.dropByHV()
	s.events.Publish(id, "delete", nil)
	return s.releaseFinish(ctx, id)
}

// finishBucket holds, by VM uuid, the node finishing the VM's delete.
const finishBucket = "vmfinish"

// releaseFinish drops this node's claim to finish VM id's delete.
func (s *Service) releaseFinish(ctx context.Context, id string) error {
	if err := s.repo.Store().ReleaseName(context.WithoutCancel(ctx), finishBucket, id, s.opts.Node); err != nil {
		return fmt.Errorf("vm %s: delete: release claim: %w", id, err)
	}
	return nil
}

// returnOrgResources gives back what the VM's package took of its org.
func (s *Service) returnOrgResources(ctx context.Context, vm record.VM) error {
	r, err := s.repo.Load(ctx, record.BucketPackage, vm.Package)
	if err != nil {
		return nil // the package is gone: nothing known to return
	}
	pkg, err := record.PackageFromRecord(r)
	if err != nil {
		return nil
	}
	for _, res := range sortedKeys(pkg.OrgResources) {
		if n := pkg.OrgResources[res]; n > 0 {
			if err := s.id.ChangeResource(ctx, vm.Owner, res, n); err != nil && !errors.Is(err, cloud.ErrNotFound) {
				return fmt.Errorf("vm %s: return org resource %s: %w", vm.UUID, res, err)
			}
		}
	}
	return nil
}

// Snapshot takes a snapshot of a VM and returns its id.
func (s *Service) Snapshot(ctx context.Context, id, comment string) (string, error) {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return "", err
	}
	snap, err := s.repo.NewID()
	if err != nil {
		return "", err
	}
	now := s.now().UnixMicro()
	if err := s.setSnapshot(ctx, id, snap, map[string]any{"comment": comment, "timestamp": now, "state": "pending"}); err != nil {
		return "", err
	}
	if err := s.agents.Snapshot(ctx, vm.Hypervisor, id, snap); err != nil {
		_ = s.removeMapEntry(ctx, id, "snapshots", snap)
		s.events.Publish(id, "snapshot", map[string]any{"action": "error", "uuid": snap, "message": err.Error()})
		return "", agentErr(err, "snapshot")
	}
	if err := s.setSnapshot(ctx, id, snap, map[string]any{"state": "completed"}); err != nil {
		return "", err
	}
	s.events.Publish(id, "snapshot", map[string]any{"action": "completed", "uuid": snap})
	return snap, nil
}

func (s *Service) setSnapshot(ctx context.Context, id, snap string, fields map[string]any) error {
	return s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		for _, k := range sortedKeys(fields) {
			if _, err := r.SetMapEntry(st, "snapshots", []string{snap, k}, fields[k]); err != nil {
				return nil, err
			}
		}
		return r, nil
	})
}

// snapshotExists fails with ErrNotFound unless the VM has snapshot snap.
func snapshotExists(vm record.VM, snap string) error {
	if _, ok := vm.Snapshots[snap]; !ok {
		return fmt.Errorf("snapshot %s: %w", snap, cloud.ErrNotFound)
	}
	return nil
}

// DeleteSnapshot removes a snapshot.
func (s *Service) DeleteSnapshot(ctx context.Context, id, snap string) error {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	if err := snapshotExists(vm, snap); err != nil {
		return err
	}
	if err := s.agents.DeleteSnapshot(ctx, vm.Hypervisor, id, snap); err != nil {
		return agentErr(err, "delete snapshot")
	}
	if err := s.removeMapEntry(ctx, id, "snapshots", snap); err != nil {
		return err
	}
	s.events.Publish(id, "snapshot", map[string]any{"action": "deleted", "uuid": snap})
	return nil
}

// Rollback returns a stopped VM to a snapshot and forgets the newer ones.
func (s *Service) Rollback(ctx context.Context, id, snap string) error {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	if err := snapshotExists(vm, snap); err != nil {
		return err
	}
	if vm.State != string(driver.StateStopped) {
		return fmt.Errorf("rollback of a %s vm: %w", vm.State, ErrState)
	}
	if err := s.agents.Rollback(ctx, vm.Hypervisor, id, snap); err != nil {
		return agentErr(err, "rollback")
	}
	at := snapshotTime(vm.Snapshots[snap])
	for other, v := range vm.Snapshots {
		if other != snap && snapshotTime(v) > at {
			if err := s.removeMapEntry(ctx, id, "snapshots", other); err != nil {
				return err
			}
		}
	}
	s.events.Publish(id, "snapshot", map[string]any{"action": "rollback", "uuid": snap})
	return nil
}

func snapshotTime(v any) int64 {
	m, _ := v.(map[string]any)
	ts, _ := m["timestamp"].(int64)
	return ts
}

// Resize moves a VM to another package (PUT /vms/:id/package): its agent
// admits the memory change or refuses it (409).
func (s *Service) Resize(ctx context.Context, id, pkgID string) error {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	r, err := s.repo.Load(ctx, record.BucketPackage, pkgID)
	if err != nil {
		return err
	}
	pkg, err := record.PackageFromRecord(r)
	if err != nil {
		return err
	}
	u := driver.UpdateSpec{MaxPhysicalMemory: &pkg.RAM, MaxLockedMemory: &pkg.RAM, CPUCap: &pkg.CPUCap,
		PackageName: &pkg.Name}
	if pkg.Quota > 0 {
		u.Quota = &pkg.Quota
	}
	swap := max(pkg.MaxSwap, pkg.RAM)
	u.MaxSwap = &swap
	if err := s.agents.Update(ctx, vm.Hypervisor, id, u); err != nil {
		return agentErr(err, "resize")
	}
	if err := s.set(ctx, id, map[string]any{"package": pkgID}); err != nil {
		return err
	}
	s.events.Publish(id, "update", map[string]any{"package": pkgID})
	s.log(ctx, id, "resized to package "+pkg.Name)
	return nil
}
