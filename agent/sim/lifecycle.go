package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// List implements driver.Lifecycle.
func (d *Driver) List(ctx context.Context) ([]driver.VM, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	out := make([]driver.VM, 0, len(d.vms))
	for id, v := range d.vms {
		out = append(out, v.view(id))
	}
	d.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].UUID < out[j].UUID })
	return out, nil
}

// Get implements driver.Lifecycle.
func (d *Driver) Get(ctx context.Context, uuid string) (driver.VM, error) {
	if err := driver.CheckUUID("vm", uuid); err != nil {
		return driver.VM{}, err
	}
	if err := ctx.Err(); err != nil {
		return driver.VM{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[uuid]
	if !ok {
		return driver.VM{}, fmt.Errorf("vm %s: %w", uuid, driver.ErrNotFound)
	}
	return v.view(uuid), nil
}

// view renders what `vmadm get` would show.
func (v *vm) view(uuid string) driver.VM {
	return driver.VM{
		Spec:            v.spec.Clone(),
		State:           v.state,
		ZoneState:       zoneState(v.state),
		ZonePath:        "/zones/" + uuid,
		ZFSFilesystem:   "zones/" + uuid,
		CreateTimestamp: time.UnixMilli(v.created).UTC().Format("2006-01-02T15:04:05.000Z"),
	}
}

func zoneState(st driver.State) string {
	switch st {
	case driver.StateRunning:
		return "running"
	case driver.StateBooting:
		return "ready"
	case driver.StateShuttingDown:
		return "shutting_down"
	case driver.StateProvisioning:
		return "configured"
	}
	return "installed"
}

// Create implements driver.Lifecycle.
func (d *Driver) Create(ctx context.Context, spec driver.Spec) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	unlock, err := d.lock(ctx, spec.UUID)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.admit(spec); err != nil {
		if errors.Is(err, errAlready) {
			return nil
		}
		return err
	}
	// The VM exists, in provisioning, from here on.
	_ = d.flush()
	if err := d.wait(ctx, d.opts.Delays.Create); err != nil {
		d.remove(spec.UUID)
		return fmt.Errorf("vm %s: create: %w", spec.UUID, err)
	}
	d.setState(spec.UUID, driver.StateStopped)
	if spec.Autoboot {
		if err := d.boot(ctx, spec.UUID); err != nil {
			return fmt.Errorf("vm %s: create: boot: %w", spec.UUID, err)
		}
	}
	return d.flush()
}

// admit checks a create and, when it must happen, adds the VM in
// provisioning with its memory reserved, in one step under the lock.
// A VM that exists already is the same create repeated (nil, and
// nothing to do: errAlready) or a conflict.
func (d *Driver) admit(spec driver.Spec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.vms[spec.UUID]; ok {
		if v.state == driver.StateFailed {
			return fmt.Errorf("vm %s: create: exists in state failed (delete it first): %w", spec.UUID, driver.ErrConflict)
		}
		if driver.SameSpec(spec, v.view(spec.UUID)) {
			return errAlready
		}
		return fmt.Errorf("vm %s: create: exists with another spec: %w", spec.UUID, driver.ErrConflict)
	}
	for _, img := range spec.Images() {
		if _, ok := d.images[img]; !ok {
			return fmt.Errorf("vm %s: create: image %s: %w", spec.UUID, img, driver.ErrNotFound)
		}
	}
	if err := d.faultLocked(OpCreate); err != nil {
		return fmt.Errorf("vm %s: create: %w", spec.UUID, err)
	}
	if err := d.ledger.Reserve(spec.UUID, spec.MemoryMB(), d.capacity(), d.usageLocked()); err != nil {
		return fmt.Errorf("vm %s: create: %w", spec.UUID, err)
	}
	d.vms[spec.UUID] = &vm{spec: d.fillIn(spec.Clone()), state: driver.StateProvisioning, created: d.opts.Clock.Now().UnixMilli()}
	d.publishLocked(driver.StateChange{UUID: spec.UUID, State: driver.StateProvisioning})
	return nil
}

// errAlready tells Create the VM is there already.
var errAlready = errors.New("sim: vm exists with the same spec")

// fillIn adds what vmadm fills in: NIC names and MACs, disk paths.
// Called with d.mu held (it draws from Rand).
func (d *Driver) fillIn(s driver.Spec) driver.Spec {
	for i := range s.NICs {
		if s.NICs[i].Interface == "" {
			s.NICs[i].Interface = fmt.Sprintf("net%d", i)
		}
		if s.NICs[i].MAC == "" {
			s.NICs[i].MAC = d.mac(&s)
		}
	}
	for i := range s.Disks {
		if s.Disks[i].ZFSFilesystem == "" {
			s.Disks[i].ZFSFilesystem = fmt.Sprintf("zones/%s-disk%d", s.UUID, i)
		}
		if s.Disks[i].Path == "" {
			s.Disks[i].Path = "/dev/zvol/rdsk/" + s.Disks[i].ZFSFilesystem
		}
		if s.Disks[i].Media == "" {
			s.Disks[i].Media = "disk"
		}
		if s.Disks[i].Size == 0 {
			s.Disks[i].Size = s.Disks[i].ImageSize
		}
	}
	return s
}

// mac draws a MAC address no NIC of the host (nor of s) has: one that
// is taken (a host restored from its state file draws from the same
// seed again) moves on to the next address. Called with d.mu held.
func (d *Driver) mac(s *driver.Spec) string {
	var n uint32
	for range 3 {
		n = n<<8 | uint32(byte(d.opts.Rand()*256))
	}
	var m string
	for range 1 << 24 {
		m = fmt.Sprintf("90:b8:d0:%02x:%02x:%02x", byte(n>>16), byte(n>>8), byte(n))
		if !d.macTakenLocked(m, s) {
			break
		}
		n = (n + 1) & 0xffffff
	}
	return m
}

// macTakenLocked reports whether a NIC of the host or of s has MAC m.
func (d *Driver) macTakenLocked(m string, s *driver.Spec) bool {
	has := func(nics []driver.NIC) bool {
		return slices.ContainsFunc(nics, func(n driver.NIC) bool { return n.MAC == m })
	}
	if has(s.NICs) {
		return true
	}
	for _, v := range d.vms {
		if has(v.spec.NICs) {
			return true
		}
	}
	return false
}

// remove deletes a VM from the host and releases its memory.
func (d *Driver) remove(uuid string) {
	d.mu.Lock()
	delete(d.vms, uuid)
	d.ledger.Release(uuid)
	d.publishLocked(driver.StateChange{UUID: uuid, State: driver.StateDeleted})
	d.mu.Unlock()
	_ = d.flush()
}

// boot takes a stopped VM through booting to running.
func (d *Driver) boot(ctx context.Context, uuid string) error {
	d.setState(uuid, driver.StateBooting)
	if err := d.wait(ctx, d.opts.Delays.Boot); err != nil {
		d.setState(uuid, driver.StateStopped)
		return err
	}
	d.setState(uuid, driver.StateRunning)
	return nil
}

// halt takes a running VM through shutting_down to stopped.
func (d *Driver) halt(ctx context.Context, uuid string, force bool) error {
	d.setState(uuid, driver.StateShuttingDown)
	if !force {
		if err := d.wait(ctx, d.opts.Delays.Shutdown); err != nil {
			d.setState(uuid, driver.StateRunning)
			return err
		}
	}
	d.setState(uuid, driver.StateStopped)
	return nil
}

// Start implements driver.Lifecycle.
func (d *Driver) Start(ctx context.Context, uuid string) error {
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := d.state(uuid)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	switch st {
	case driver.StateRunning:
		return nil
	case driver.StateStopped:
	default:
		return fmt.Errorf("vm %s: start: state %s: %w", uuid, st, driver.ErrConflict)
	}
	if err := d.fault(OpStart); err != nil {
		return fmt.Errorf("vm %s: start: %w", uuid, err)
	}
	if err := d.boot(ctx, uuid); err != nil {
		return fmt.Errorf("vm %s: start: %w", uuid, err)
	}
	return d.flush()
}

// Stop implements driver.Lifecycle.
func (d *Driver) Stop(ctx context.Context, uuid string, force bool) error {
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := d.state(uuid)
	if err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	if st == driver.StateStopped || st == driver.StateFailed {
		return nil
	}
	if err := d.fault(OpStop); err != nil {
		return fmt.Errorf("vm %s: stop: %w", uuid, err)
	}
	if err := d.halt(ctx, uuid, force); err != nil {
		return fmt.Errorf("vm %s: stop: %w", uuid, err)
	}
	return d.flush()
}

// Reboot implements driver.Lifecycle.
func (d *Driver) Reboot(ctx context.Context, uuid string, force bool) error {
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := d.state(uuid)
	if err != nil {
		return fmt.Errorf("reboot: %w", err)
	}
	if st == driver.StateFailed {
		return fmt.Errorf("vm %s: reboot: state %s: %w", uuid, st, driver.ErrConflict)
	}
	if err := d.fault(OpReboot); err != nil {
		return fmt.Errorf("vm %s: reboot: %w", uuid, err)
	}
	if st != driver.StateStopped {
		if err := d.halt(ctx, uuid, force); err != nil {
			return fmt.Errorf("vm %s: reboot: %w", uuid, err)
		}
	}
	if err := d.boot(ctx, uuid); err != nil {
		return fmt.Errorf("vm %s: reboot: %w", uuid, err)
	}
	return d.flush()
}

// Delete implements driver.Lifecycle.
func (d *Driver) Delete(ctx context.Context, uuid string) error {
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := d.state(uuid)
	if err != nil {
		d.ledger.Release(uuid) // nothing on the host: drop a reservation made for it
		return nil
	}
	if err := d.fault(OpDelete); err != nil {
		return fmt.Errorf("vm %s: delete: %w", uuid, err)
	}
	if st == driver.StateRunning || st == driver.StateBooting {
		if err := d.halt(ctx, uuid, true); err != nil {
			return fmt.Errorf("vm %s: delete: %w", uuid, err)
		}
	}
	if err := d.wait(ctx, d.opts.Delays.Delete); err != nil {
		return fmt.Errorf("vm %s: delete: %w", uuid, err)
	}
	d.remove(uuid)
	return d.flush()
}

// Update implements driver.Lifecycle.
func (d *Driver) Update(ctx context.Context, uuid string, u driver.UpdateSpec) error {
	if err := u.Validate(); err != nil {
		return fmt.Errorf("vm %s: %w", uuid, err)
	}
	unlock, err := d.lock(ctx, uuid)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.update(uuid, u); err != nil {
		return err
	}
	return d.flush()
}

// update applies an update under the host's lock.
func (d *Driver) update(uuid string, u driver.UpdateSpec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[uuid]
	if !ok {
		return fmt.Errorf("vm %s: update: %w", uuid, driver.ErrNotFound)
	}
	if err := d.faultLocked(OpUpdate); err != nil {
		return fmt.Errorf("vm %s: update: %w", uuid, err)
	}
	next := u.Apply(v.spec)
	if mem := next.MemoryMB(); mem != v.spec.MemoryMB() {
		if err := d.ledger.Reserve(uuid, mem, d.capacity(), d.usageLocked()); err != nil {
			return fmt.Errorf("vm %s: update: %w", uuid, err)
		}
	}
	v.spec = d.fillIn(next.Clone())
	d.changedLocked()
	return nil
}
