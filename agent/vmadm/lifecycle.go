package vmadm

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/agent/driver"
)

// List implements driver.Lifecycle with `vmadm lookup -j`.
func (d *Driver) List(ctx context.Context) ([]driver.VM, error) {
	out, err := d.cmd(ctx, "vmadm", "lookup", "-j")
	if err != nil {
		return nil, fmt.Errorf("list vms: %w", err)
	}
	return ParseVMs(out)
}

// Get implements driver.Lifecycle with `vmadm get`.
func (d *Driver) Get(ctx context.Context, uuid string) (driver.VM, error) {
	if err := driver.CheckUUID("vm", uuid); err != nil {
		return driver.VM{}, err
	}
	return d.get(ctx, uuid, "get")
}

// Create implements driver.Lifecycle with `vmadm create` (the spec as
// JSON on stdin), which also boots the VM when the spec says autoboot.
func (d *Driver) Create(ctx context.Context, spec driver.Spec) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	unlock, err := d.lock(ctx, spec.UUID)
	if err != nil {
		return err
	}
	defer unlock()
	defer d.kick()
	vm, found, err := d.lookup(ctx, spec.UUID)
	switch {
	case err != nil:
		return fmt.Errorf("vm %s: create: %w", spec.UUID, err)
	case found && vm.State == driver.StateFailed:
		return fmt.Errorf("vm %s: create: exists in state failed (delete it first): %w", spec.UUID, driver.ErrConflict)
	case found && driver.SameSpec(spec, vm):
		return nil
	case found:
		return fmt.Errorf("vm %s: create: exists with another spec: %w", spec.UUID, driver.ErrConflict)
	}
	for _, img := range spec.Images() {
		if _, err := d.cmd(ctx, "imgadm", "get", img); err != nil {
			return fmt.Errorf("vm %s: create: image %s: %w", spec.UUID, img, err)
		}
	}
	in, err := payload(spec)
	if err != nil {
		return err
	}
	prev, had := d.ledger.Get(spec.UUID)
	if err := d.admit(ctx, spec.UUID, spec.MemoryMB()); err != nil {
		return fmt.Errorf("vm %s: create: %w", spec.UUID, err)
	}
	if _, err := d.run(ctx, d.opts.CreateTimeout, in, "vmadm", "create"); err != nil {
		if d.undoCreate(ctx, spec) {
			return nil
		}
		d.ledger.Restore(spec.UUID, prev, had)
		return fmt.Errorf("vm %s: create: %w", spec.UUID, err)
	}
	return nil
}

// undoCreate looks at the host after vmadm create failed: a VM that is
// there as asked (the command failed late, or the caller's context ended
// after vmadm finished) is success; a half-made one is deleted.
func (d *Driver) undoCreate(ctx context.Context, spec driver.Spec) (created bool) {
	cctx, cancel := d.cleanup(ctx)
	defer cancel()
	vm, found, err := d.lookup(cctx, spec.UUID)
	if err != nil || !found {
		return false
	}
	if ctx.Err() == nil && vm.State != driver.StateFailed && vm.State != driver.StateProvisioning && driver.SameSpec(spec, vm) {
		return true
	}
	if _, err := d.cmd(cctx, "vmadm", "delete", spec.UUID); err != nil {
		d.opts.Logger.Warn("delete of a failed create failed", "vm_uuid", spec.UUID, "err", err)
	}
	return false
}

// Start implements driver.Lifecycle with `vmadm start`.
func (d *Driver) Start(ctx context.Context, uuid string) error {
	return d.power(ctx, uuid, "start", false)
}

// Stop implements driver.Lifecycle with `vmadm stop [-F]`.
func (d *Driver) Stop(ctx context.Context, uuid string, force bool) error {
	return d.power(ctx, uuid, "stop", force)
}

// Reboot implements driver.Lifecycle with `vmadm reboot [-F]`, or
// `vmadm start` for a stopped VM.
func (d *Driver) Reboot(ctx context.Context, uuid string, force bool) error {
	return d.power(ctx, uuid, "reboot", force)
}

// power runs start, stop or reboot, skipping it when its goal holds and
// forgiving a failure after which it holds.
func (d *Driver) power(ctx context.Context, uuid, op string, force bool) error {
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	defer d.kick()
	vm, err := d.get(ctx, uuid, op)
	if err != nil {
		return err
	}
	goal := driver.StateRunning
	switch {
	case op == "stop":
		goal = driver.StateStopped
		if vm.State == driver.StateStopped || vm.State == driver.StateFailed {
			return nil
		}
	case vm.State == driver.StateFailed || vm.State == driver.StateProvisioning:
		return fmt.Errorf("vm %s: %s: state %s: %w", uuid, op, vm.State, driver.ErrConflict)
	case op == "start" && vm.State == driver.StateRunning:
		return nil
	case op == "reboot" && vm.State == driver.StateStopped:
		op = "start"
	}
	args := []string{op, uuid}
	if force && op != "start" {
		args = append(args, "-F")
	}
	if _, err := d.cmd(ctx, "vmadm", args...); err != nil {
		if op != "reboot" && ctx.Err() == nil {
			if vm, found, lerr := d.lookup(ctx, uuid); lerr == nil && found && vm.State == goal {
				return nil
			}
		}
		return fmt.Errorf("vm %s: %s: %w", uuid, op, err)
	}
	return nil
}

// Delete implements driver.Lifecycle with `vmadm delete`, which stops a
// running VM first.
func (d *Driver) Delete(ctx context.Context, uuid string) error {
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	defer d.kick()
	_, found, err := d.lookup(ctx, uuid)
	if err != nil {
		return fmt.Errorf("vm %s: delete: %w", uuid, err)
	}
	if found {
		if _, err := d.cmd(ctx, "vmadm", "delete", uuid); err != nil {
			if _, found, lerr := d.lookup(ctx, uuid); lerr != nil || found {
				return fmt.Errorf("vm %s: delete: %w", uuid, err)
			}
		}
	}
	d.ledger.Release(uuid)
	return nil
}

// Update implements driver.Lifecycle with `vmadm update` (the update as
// JSON on stdin), admitting a change of memory first.
func (d *Driver) Update(ctx context.Context, uuid string, u driver.UpdateSpec) error {
	if err := u.Validate(); err != nil {
		return fmt.Errorf("vm %s: %w", uuid, err)
	}
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	vm, err := d.get(ctx, uuid, "update")
	if err != nil {
		return err
	}
	in, err := payload(u)
	if err != nil {
		return err
	}
	prev, had := d.ledger.Get(uuid)
	next := u.Apply(vm.Spec).MemoryMB()
	resized := next != vm.MemoryMB()
	if resized {
		if err := d.admit(ctx, uuid, next); err != nil {
			return fmt.Errorf("vm %s: update: %w", uuid, err)
		}
	}
	if _, err := d.run(ctx, d.opts.CommandTimeout, in, "vmadm", "update", uuid); err != nil {
		if resized {
			d.ledger.Restore(uuid, prev, had)
		}
		return fmt.Errorf("vm %s: update: %w", uuid, err)
	}
	return nil
}
