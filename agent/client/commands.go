package client

import (
	"context"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
)

// Reserve asks the agent to admit ramMB of memory for VM vm: the agent is
// the authority on its host's memory. A refusal is driver.ErrNoMemory.
// Repeating a reservation with the same amount succeeds.
func (c *Client) Reserve(ctx context.Context, a Addr, vm string, ramMB int64) error {
	return c.do(ctx, a, "reserve "+vm, false, proto.Reserve{HV: a.HV, VM: vm, RAMMB: ramMB})
}

// Release drops VM vm's reservation (a VM that exists keeps counting
// with its configured memory). Releasing an unknown VM succeeds.
func (c *Client) Release(ctx context.Context, a Addr, vm string) error {
	return c.do(ctx, a, "release "+vm, false, proto.Release{HV: a.HV, VM: vm})
}

// Create creates (and, with Autoboot, boots) the VM spec describes. The
// same create repeated succeeds; another spec for an existing uuid is
// driver.ErrConflict; memory that does not fit is driver.ErrNoMemory.
func (c *Client) Create(ctx context.Context, a Addr, spec driver.Spec) error {
	what := "create " + spec.UUID
	b, err := encode(a, what, spec)
	if err != nil {
		return err
	}
	return c.do(ctx, a, what, true, proto.Create{HV: a.HV, Spec: b})
}

// Start boots VM vm.
func (c *Client) Start(ctx context.Context, a Addr, vm string) error {
	return c.do(ctx, a, "start "+vm, false, proto.Start{HV: a.HV, VM: vm})
}

// Stop shuts VM vm down, or halts it at once with force.
func (c *Client) Stop(ctx context.Context, a Addr, vm string, force bool) error {
	return c.do(ctx, a, "stop "+vm, false, proto.Stop{HV: a.HV, VM: vm, Force: force})
}

// Reboot restarts VM vm (at once with force); a stopped VM is started.
func (c *Client) Reboot(ctx context.Context, a Addr, vm string, force bool) error {
	return c.do(ctx, a, "reboot "+vm, false, proto.Reboot{HV: a.HV, VM: vm, Force: force})
}

// Delete removes VM vm and releases its memory; a missing VM succeeds.
func (c *Client) Delete(ctx context.Context, a Addr, vm string) error {
	return c.do(ctx, a, "delete "+vm, true, proto.Delete{HV: a.HV, VM: vm})
}

// Update changes VM vm's configuration; growing its memory beyond the
// host's capacity is driver.ErrNoMemory.
func (c *Client) Update(ctx context.Context, a Addr, vm string, u driver.UpdateSpec) error {
	what := "update " + vm
	b, err := encode(a, what, u)
	if err != nil {
		return err
	}
	return c.do(ctx, a, what, true, proto.Update{HV: a.HV, VM: vm, Update: b})
}

// Snapshot takes snapshot name of VM vm.
func (c *Client) Snapshot(ctx context.Context, a Addr, vm, name string) error {
	return c.do(ctx, a, "snapshot "+vm+"@"+name, true, proto.Snapshot{HV: a.HV, VM: vm, Name: name})
}

// DeleteSnapshot destroys snapshot name of VM vm; a missing one succeeds.
func (c *Client) DeleteSnapshot(ctx context.Context, a Addr, vm, name string) error {
	return c.do(ctx, a, "delete snapshot "+vm+"@"+name, true, proto.DeleteSnapshot{HV: a.HV, VM: vm, Name: name})
}

// Rollback returns stopped VM vm to snapshot name (driver.ErrConflict
// when it runs).
func (c *Client) Rollback(ctx context.Context, a Addr, vm, name string) error {
	return c.do(ctx, a, "rollback "+vm+"@"+name, true, proto.Rollback{HV: a.HV, VM: vm, Name: name})
}

// Snapshots lists VM vm's snapshots, oldest first.
func (c *Client) Snapshots(ctx context.Context, a Addr, vm string) ([]driver.Snapshot, error) {
	var out []driver.Snapshot
	err := c.query(ctx, a, "snapshots "+vm, proto.Snapshots{HV: a.HV, VM: vm}, &out)
	return out, err
}

// ImportImage installs an image on the hypervisor; an installed image
// succeeds.
func (c *Client) ImportImage(ctx context.Context, a Addr, imp driver.ImageImport) error {
	what := "import image " + imp.Manifest.UUID
	b, err := encode(a, what, imp)
	if err != nil {
		return err
	}
	return c.do(ctx, a, what, true, proto.ImportImage{HV: a.HV, Import: b})
}

// Images lists the installed images.
func (c *Client) Images(ctx context.Context, a Addr) ([]driver.Image, error) {
	var out []driver.Image
	err := c.query(ctx, a, "images", proto.Images{HV: a.HV}, &out)
	return out, err
}

// Get returns VM vm as the host reports it; driver.ErrNotFound when it
// does not exist.
func (c *Client) Get(ctx context.Context, a Addr, vm string) (driver.VM, error) {
	var out driver.VM
	err := c.query(ctx, a, "get "+vm, proto.Get{HV: a.HV, VM: vm}, &out)
	return out, err
}

// List returns every VM on the hypervisor, sorted by uuid.
func (c *Client) List(ctx context.Context, a Addr) ([]driver.VM, error) {
	var out []driver.VM
	err := c.query(ctx, a, "list", proto.List{HV: a.HV}, &out)
	return out, err
}

// Sysinfo returns the hypervisor's current report.
func (c *Client) Sysinfo(ctx context.Context, a Addr) (driver.Host, error) {
	var out driver.Host
	err := c.query(ctx, a, "sysinfo", proto.Sysinfo{HV: a.HV}, &out)
	return out, err
}
