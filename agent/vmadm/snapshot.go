package vmadm

import (
	"context"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/agent/driver"
)

// snapshots lists the snapshots of every dataset of the VM, by dataset.
func (d *Driver) snapshots(ctx context.Context, vm driver.VM) (map[string][]driver.Snapshot, error) {
	args := append([]string{"list", "-Hp", "-t", "snapshot", "-o", "name,creation,used", "-s", "creation", "-d", "1"}, vm.Datasets()...)
	out, err := d.cmd(ctx, "zfs", args...)
	if err != nil {
		return nil, fmt.Errorf("vm %s: list snapshots: %w", vm.UUID, err)
	}
	rows, err := ParseSnapshots(out)
	if err != nil {
		return nil, err
	}
	by := map[string][]driver.Snapshot{}
	for _, r := range rows {
		by[r.Dataset] = append(by[r.Dataset], r.Snapshot)
	}
	return by, nil
}

func hasSnap(snaps []driver.Snapshot, name string) bool {
	return slices.ContainsFunc(snaps, func(s driver.Snapshot) bool { return s.Name == name })
}

// snapVM checks the name, takes the VM's lock and returns the VM and its
// snapshots.
func (d *Driver) snapVM(ctx context.Context, uuid, name, op string) (driver.VM, map[string][]driver.Snapshot, func(), error) {
	if err := driver.CheckSnapshotName(name); err != nil {
		return driver.VM{}, nil, nil, fmt.Errorf("vm %s: %w", uuid, err)
	}
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return driver.VM{}, nil, nil, err
	}
	vm, err := d.get(ctx, uuid, op)
	if err != nil {
		unlock()
		return driver.VM{}, nil, nil, err
	}
	snaps, err := d.snapshots(ctx, vm)
	if err != nil {
		unlock()
		return driver.VM{}, nil, nil, err
	}
	return vm, snaps, unlock, nil
}

// Snapshot implements driver.Snapshotter: one `zfs snapshot` of all the
// VM's datasets, which zfs takes atomically.
func (d *Driver) Snapshot(ctx context.Context, uuid, name string) error {
	vm, snaps, unlock, err := d.snapVM(ctx, uuid, name, "snapshot "+name)
	if err != nil {
		return err
	}
	defer unlock()
	root := vm.Datasets()[0]
	if hasSnap(snaps[root], name) {
		return nil
	}
	args := []string{"snapshot"}
	for _, ds := range vm.Datasets() {
		args = append(args, ds+"@"+name)
	}
	if _, err := d.cmd(ctx, "zfs", args...); err != nil {
		if again, lerr := d.snapshots(ctx, vm); lerr == nil && hasSnap(again[root], name) {
			return nil
		}
		return fmt.Errorf("vm %s: snapshot %s: %w", uuid, name, err)
	}
	return nil
}

// Snapshots implements driver.Snapshotter: the snapshots of the VM's
// zone dataset.
func (d *Driver) Snapshots(ctx context.Context, uuid string) ([]driver.Snapshot, error) {
	if err := driver.CheckUUID("vm", uuid); err != nil {
		return nil, err
	}
	vm, err := d.get(ctx, uuid, "snapshots")
	if err != nil {
		return nil, err
	}
	snaps, err := d.snapshots(ctx, vm)
	if err != nil {
		return nil, err
	}
	return append([]driver.Snapshot{}, snaps[vm.Datasets()[0]]...), nil
}

// DeleteSnapshot implements driver.Snapshotter with `zfs destroy -r` on
// each dataset that has the snapshot.
func (d *Driver) DeleteSnapshot(ctx context.Context, uuid, name string) error {
	vm, snaps, unlock, err := d.snapVM(ctx, uuid, name, "delete snapshot "+name)
	switch {
	case isNotFound(err):
		return nil // no VM, no snapshot
	case err != nil:
		return err
	}
	defer unlock()
	for _, ds := range vm.Datasets() {
		if !hasSnap(snaps[ds], name) {
			continue
		}
		if _, err := d.cmd(ctx, "zfs", "destroy", "-r", ds+"@"+name); err != nil {
			return fmt.Errorf("vm %s: delete snapshot %s: %w", uuid, name, err)
		}
	}
	return nil
}

// Rollback implements driver.Snapshotter with `zfs rollback -r` on each
// dataset, which destroys the later snapshots.
func (d *Driver) Rollback(ctx context.Context, uuid, name string) error {
	vm, snaps, unlock, err := d.snapVM(ctx, uuid, name, "rollback "+name)
	if err != nil {
		return err
	}
	defer unlock()
	if !hasSnap(snaps[vm.Datasets()[0]], name) {
		return fmt.Errorf("vm %s: rollback: snapshot %s: %w", uuid, name, driver.ErrNotFound)
	}
	if vm.State != driver.StateStopped {
		return fmt.Errorf("vm %s: rollback: state %s, not stopped: %w", uuid, vm.State, driver.ErrConflict)
	}
	for _, ds := range vm.Datasets() {
		if !hasSnap(snaps[ds], name) {
			continue
		}
		if _, err := d.cmd(ctx, "zfs", "rollback", "-r", ds+"@"+name); err != nil {
			return fmt.Errorf("vm %s: rollback %s: %w", uuid, name, err)
		}
	}
	return nil
}
