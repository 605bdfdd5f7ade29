package client

import (
	"context"

	"github.com/fifogo/fifo/agent/driver"
)

// Resolver finds where the agent of a hypervisor runs; *Receiver is one
// (its directory of registered agents), Recorded another (that directory,
// then the node the cluster recorded for the agent).
type Resolver interface {
	Lookup(hv string) (Addr, bool)
}

// Hypervisors commands agents by hypervisor uuid alone, resolving each
// through a Resolver (its Locate when it is a Locator): the shape
// sniffle's VM flows use. A hypervisor without a registered agent is
// ErrUnavailable.
type Hypervisors struct {
	c *Client
	r Resolver
}

// ByHV returns c addressing agents by hypervisor uuid through r.
func (c *Client) ByHV(r Resolver) *Hypervisors { return &Hypervisors{c: c, r: r} }

// Addr resolves where hypervisor hv's agent runs, as every command does.
func (h *Hypervisors) Addr(ctx context.Context, hv string) (Addr, error) {
	return locate(ctx, h.r, hv)
}

// Reserve is Client.Reserve on hypervisor hv.
func (h *Hypervisors) Reserve(ctx context.Context, hv, vm string, ramMB int64) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Reserve(ctx, a, vm, ramMB)
}

// Release is Client.Release on hypervisor hv.
func (h *Hypervisors) Release(ctx context.Context, hv, vm string) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Release(ctx, a, vm)
}

// Create is Client.Create on hypervisor hv.
func (h *Hypervisors) Create(ctx context.Context, hv string, spec driver.Spec) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Create(ctx, a, spec)
}

// Start is Client.Start on hypervisor hv.
func (h *Hypervisors) Start(ctx context.Context, hv, vm string) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Start(ctx, a, vm)
}

// Stop is Client.Stop on hypervisor hv.
func (h *Hypervisors) Stop(ctx context.Context, hv, vm string, force bool) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Stop(ctx, a, vm, force)
}

// Reboot is Client.Reboot on hypervisor hv.
func (h *Hypervisors) Reboot(ctx context.Context, hv, vm string, force bool) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Reboot(ctx, a, vm, force)
}

// Delete is Client.Delete on hypervisor hv.
func (h *Hypervisors) Delete(ctx context.Context, hv, vm string) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Delete(ctx, a, vm)
}

// Update is Client.Update on hypervisor hv.
func (h *Hypervisors) Update(ctx context.Context, hv, vm string, u driver.UpdateSpec) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Update(ctx, a, vm, u)
}

// Snapshot is Client.Snapshot on hypervisor hv.
func (h *Hypervisors) Snapshot(ctx context.Context, hv, vm, name string) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Snapshot(ctx, a, vm, name)
}

// DeleteSnapshot is Client.DeleteSnapshot on hypervisor hv.
func (h *Hypervisors) DeleteSnapshot(ctx context.Context, hv, vm, name string) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.DeleteSnapshot(ctx, a, vm, name)
}

// Rollback is Client.Rollback on hypervisor hv.
func (h *Hypervisors) Rollback(ctx context.Context, hv, vm, name string) error {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return err
	}
	return h.c.Rollback(ctx, a, vm, name)
}

// Get is Client.Get on hypervisor hv.
func (h *Hypervisors) Get(ctx context.Context, hv, vm string) (driver.VM, error) {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return driver.VM{}, err
	}
	return h.c.Get(ctx, a, vm)
}

// List is Client.List on hypervisor hv.
func (h *Hypervisors) List(ctx context.Context, hv string) ([]driver.VM, error) {
	a, err := h.Addr(ctx, hv)
	if err != nil {
		return nil, err
	}
	return h.c.List(ctx, a)
}
