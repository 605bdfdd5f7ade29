package sim

import (
	"context"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/agent/driver"
)

func snapIndex(snaps []driver.Snapshot, name string) int {
	return slices.IndexFunc(snaps, func(s driver.Snapshot) bool { return s.Name == name })
}

// lockSnap checks the name and takes the VM's lock.
func (d *Driver) lockSnap(ctx context.Context, uuid, name string) (func(), error) {
	if err := driver.CheckSnapshotName(name); err != nil {
		return nil, fmt.Errorf("vm %s: %w", uuid, err)
	}
	return d.lock(ctx, uuid)
}

// Snapshot implements driver.Snapshotter.
func (d *Driver) Snapshot(ctx context.Context, uuid, name string) error {
	unlock, err := d.lockSnap(ctx, uuid, name)
	if err != nil {
		return err
	}
	defer unlock()
	d.mu.Lock()
	v, ok := d.vms[uuid]
	switch {
	case !ok:
		d.mu.Unlock()
		return fmt.Errorf("vm %s: snapshot %s: %w", uuid, name, driver.ErrNotFound)
	case snapIndex(v.snaps, name) >= 0:
		d.mu.Unlock()
		return nil
	}
	err = d.faultLocked(OpSnapshot)
	d.mu.Unlock()
	if err != nil {
		return fmt.Errorf("vm %s: snapshot %s: %w", uuid, name, err)
	}
	if err := d.wait(ctx, d.opts.Delays.Snapshot); err != nil {
		return fmt.Errorf("vm %s: snapshot %s: %w", uuid, name, err)
	}
	d.mu.Lock()
	if v, ok := d.vms[uuid]; ok { // the VM lock keeps it, but be exact
		v.snaps = append(v.snaps, driver.Snapshot{Name: name, CreatedAt: d.opts.Clock.Now().Unix()})
		d.changedLocked()
	}
	d.mu.Unlock()
	return d.flush()
}

// Snapshots implements driver.Snapshotter.
func (d *Driver) Snapshots(ctx context.Context, uuid string) ([]driver.Snapshot, error) {
	if err := driver.CheckUUID("vm", uuid); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[uuid]
	if !ok {
		return nil, fmt.Errorf("vm %s: snapshots: %w", uuid, driver.ErrNotFound)
	}
	return append([]driver.Snapshot{}, v.snaps...), nil
}

// DeleteSnapshot implements driver.Snapshotter.
func (d *Driver) DeleteSnapshot(ctx context.Context, uuid, name string) error {
	unlock, err := d.lockSnap(ctx, uuid, name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.deleteSnapshot(uuid, name); err != nil {
		return err
	}
	return d.flush()
}

// deleteSnapshot drops a snapshot under the host's lock.
func (d *Driver) deleteSnapshot(uuid, name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[uuid]
	if !ok {
		return nil // no VM, no snapshot: the goal holds
	}
	i := snapIndex(v.snaps, name)
	if i < 0 {
		return nil
	}
	if err := d.faultLocked(OpDeleteSnapshot); err != nil {
		return fmt.Errorf("vm %s: delete snapshot %s: %w", uuid, name, err)
	}
	v.snaps = slices.Delete(v.snaps, i, i+1)
	d.changedLocked()
	return nil
}

// Rollback implements driver.Snapshotter.
func (d *Driver) Rollback(ctx context.Context, uuid, name string) error {
	unlock, err := d.lockSnap(ctx, uuid, name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.rollback(uuid, name); err != nil {
		return err
	}
	return d.flush()
}

// rollback drops the snapshots after name under the host's lock.
func (d *Driver) rollback(uuid, name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[uuid]
	if !ok {
		return fmt.Errorf("vm %s: rollback %s: %w", uuid, name, driver.ErrNotFound)
	}
	i := snapIndex(v.snaps, name)
	if i < 0 {
		return fmt.Errorf("vm %s: rollback: snapshot %s: %w", uuid, name, driver.ErrNotFound)
	}
	if v.state != driver.StateStopped {
		return fmt.Errorf("vm %s: rollback: state %s, not stopped: %w", uuid, v.state, driver.ErrConflict)
	}
	if err := d.faultLocked(OpRollback); err != nil {
		return fmt.Errorf("vm %s: rollback %s: %w", uuid, name, err)
	}
	v.snaps = slices.Clip(v.snaps[:i+1])
	d.changedLocked()
	return nil
}
