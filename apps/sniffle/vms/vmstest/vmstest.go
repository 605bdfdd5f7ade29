// Package vmstest runs hypervisor agents inside a test: SimAgents
// implements vms.Agents over simulated hosts (agent/sim) and pushes each
// host's resources to sniffle after every change, as a real agent's
// reports would.
package vmstest

import (
	"context"
	"fmt"
	"sync"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// SimAgents runs every hypervisor's agent as a sim driver and, like a real
// agent, pushes the host's resources to sniffle after each change. Safe
// for concurrent use.
type SimAgents struct {
	cloud *cloud.Service
	// OnState, when set, gets each VM's state after a command (the
	// agent's state report).
	OnState func(ctx context.Context, hv, vm, state string) error
	mu      sync.Mutex
	hosts   map[string]*sim.Driver
}

// Host returns the simulated host hv.
func (a *SimAgents) Host(hv string) (*sim.Driver, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	d, ok := a.hosts[hv]
	if !ok {
		return nil, fmt.Errorf("hypervisor %s: %w", hv, driver.ErrNotFound)
	}
	return d, nil
}

// Report pushes a host's state to sniffle (the agent's heartbeat).
func (a *SimAgents) Report(ctx context.Context, hv string) error {
	d, err := a.Host(hv)
	if err != nil {
		return err
	}
	h, err := d.Sysinfo(ctx)
	if err != nil {
		return err
	}
	return a.cloud.RegisterHypervisor(ctx, cloud.HostReport{UUID: hv, Alias: h.Hostname, Networks: h.NICTags,
		Virtualisation: h.Virtualisation, Resources: map[string]int64{
			"total-memory": h.Memory.TotalMB, "free-memory": h.Memory.FreeMB,
			"provisioned-memory": h.Memory.ProvisionedMB, "reserved-memory": h.Memory.ReservedMB}})
}

func (a *SimAgents) do(ctx context.Context, hv string, fn func(d *sim.Driver) error) error {
	return a.doVM(ctx, hv, "", fn)
}

func (a *SimAgents) doVM(ctx context.Context, hv, vm string, fn func(d *sim.Driver) error) error {
	d, err := a.Host(hv)
	if err != nil {
		return err
	}
	if err := fn(d); err != nil {
		return err
	}
	if vm != "" && a.OnState != nil {
		state := string(driver.StateDeleted)
		if v, err := d.Get(ctx, vm); err == nil {
			state = string(v.State)
		}
		if err := a.OnState(ctx, hv, vm, state); err != nil {
			return err
		}
	}
	return a.Report(ctx, hv)
}

// Reserve implements vms.Agents.
func (a *SimAgents) Reserve(ctx context.Context, hv, vm string, ram int64) error {
	return a.do(ctx, hv, func(d *sim.Driver) error { return d.Reserve(ctx, vm, ram) })
}

// Release implements vms.Agents.
func (a *SimAgents) Release(ctx context.Context, hv, vm string) error {
	return a.do(ctx, hv, func(d *sim.Driver) error { return d.Release(ctx, vm) })
}

// Create implements vms.Agents.
func (a *SimAgents) Create(ctx context.Context, hv string, spec driver.Spec) error {
	return a.doVM(ctx, hv, spec.UUID, func(d *sim.Driver) error { return d.Create(ctx, spec) })
}

// Start implements vms.Agents.
func (a *SimAgents) Start(ctx context.Context, hv, vm string) error {
	return a.doVM(ctx, hv, vm, func(d *sim.Driver) error { return d.Start(ctx, vm) })
}

// Stop implements vms.Agents.
func (a *SimAgents) Stop(ctx context.Context, hv, vm string, force bool) error {
	return a.doVM(ctx, hv, vm, func(d *sim.Driver) error { return d.Stop(ctx, vm, force) })
}

// Reboot implements vms.Agents.
func (a *SimAgents) Reboot(ctx context.Context, hv, vm string, force bool) error {
	return a.doVM(ctx, hv, vm, func(d *sim.Driver) error { return d.Reboot(ctx, vm, force) })
}

// Delete implements vms.Agents.
func (a *SimAgents) Delete(ctx context.Context, hv, vm string) error {
	return a.doVM(ctx, hv, vm, func(d *sim.Driver) error { return d.Delete(ctx, vm) })
}

// Update implements vms.Agents.
func (a *SimAgents) Update(ctx context.Context, hv, vm string, u driver.UpdateSpec) error {
	return a.do(ctx, hv, func(d *sim.Driver) error { return d.Update(ctx, vm, u) })
}

// Snapshot implements vms.Agents.
func (a *SimAgents) Snapshot(ctx context.Context, hv, vm, name string) error {
	return a.do(ctx, hv, func(d *sim.Driver) error { return d.Snapshot(ctx, vm, name) })
}

// DeleteSnapshot implements vms.Agents.
func (a *SimAgents) DeleteSnapshot(ctx context.Context, hv, vm, name string) error {
	return a.do(ctx, hv, func(d *sim.Driver) error { return d.DeleteSnapshot(ctx, vm, name) })
}

// Rollback implements vms.Agents.
func (a *SimAgents) Rollback(ctx context.Context, hv, vm, name string) error {
	return a.doVM(ctx, hv, vm, func(d *sim.Driver) error { return d.Rollback(ctx, vm, name) })
}

// Get implements vms.Agents.
func (a *SimAgents) Get(ctx context.Context, hv, vm string) (driver.VM, error) {
	d, err := a.Host(hv)
	if err != nil {
		return driver.VM{}, err
	}
	return d.Get(ctx, vm)
}

// New returns agents reporting to c, with no hosts.
func New(c *cloud.Service) *SimAgents {
	return &SimAgents{cloud: c, hosts: map[string]*sim.Driver{}}
}

// AddHost starts a simulated host with opts (its UUID names it) and
// reports it to sniffle.
func (a *SimAgents) AddHost(ctx context.Context, opts sim.Options) (*sim.Driver, error) {
	d, err := sim.New(opts)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.hosts[opts.UUID] = d
	a.mu.Unlock()
	return d, a.Report(ctx, opts.UUID)
}
