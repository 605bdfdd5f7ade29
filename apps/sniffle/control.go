package sniffle

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// Control takes the hypervisor agents' reports (client.Control): it keeps
// the hypervisor records up to date and reconciles the VMs with what the
// hosts really run.
type Control struct {
	svc *Service
}

var _ client.Control = (*Control)(nil)

// Control returns the receiver of the agents' reports.
func (s *Service) Control() *Control { return &Control{svc: s} }

// report turns an agent's host report into a hypervisor report.
func report(a client.Addr, version string, h driver.Host, lastSeen int64) cloud.HostReport {
	pools := make(map[string]any, len(h.Pools))
	for name, p := range h.Pools {
		pools[name] = map[string]any{"size": p.SizeMB, "used": p.UsedMB, "free": p.FreeMB, "health": p.Health}
	}
	return cloud.HostReport{UUID: a.HV, Host: a.Node, Version: version, Networks: h.NICTags,
		Virtualisation: h.Virtualisation, Sysinfo: h.Sysinfo, Pools: pools, Services: h.Services,
		Resources: resources(h.Memory), LastSeen: lastSeen}
}

func resources(m driver.Memory) map[string]int64 {
	return map[string]int64{"total-memory": m.TotalMB, "free-memory": m.FreeMB,
		"provisioned-memory": m.ProvisionedMB, "reserved-memory": m.ReservedMB}
}

// OnRegister implements client.Control. A new hypervisor's alias is its
// host name; an existing one keeps the alias it was given.
func (c *Control) OnRegister(ctx context.Context, r client.Registration) error {
	rep := report(r.Addr, r.Version, r.Host, r.Time.Unix())
	cl := c.svc.vms.Cloud()
	if _, err := cl.Hypervisor(ctx, r.Addr.HV); errors.Is(err, cloud.ErrNotFound) {
		rep.Alias = r.Host.Hostname
	}
	if err := cl.RegisterHypervisor(ctx, rep); err != nil {
		return fmt.Errorf("register hypervisor %s: %w", r.Addr.HV, err)
	}
	return nil
}

// OnHeartbeat implements client.Control.
func (c *Control) OnHeartbeat(ctx context.Context, h client.Heartbeat) error {
	return c.svc.vms.Cloud().RegisterHypervisor(ctx, cloud.HostReport{UUID: h.Addr.HV, Host: h.Addr.Node,
		Resources: resources(h.Memory), LastSeen: h.Time.Unix()})
}

// OnVMState implements client.Control.
func (c *Control) OnVMState(ctx context.Context, s client.VMState) error {
	return c.svc.vms.AgentState(ctx, s.Addr.HV, s.VM, string(s.State))
}

// OnVMList implements client.Control: listed VMs take the host's state; a
// VM recorded on this hypervisor that the host does not list (and that is
// not being created) is gone if the agent, asked now, does not have it
// either (vms.Absent: a list taken before a create finished does not show
// the VM); a listed VM sniffle has settled elsewhere (or failed) is a copy
// an interrupted create left behind and is removed from the host
// (vms.RemoveLeftover). A listed VM whose delete was cut short, or that
// failed unconfirmed on this host, is deleted from it in the background
// (vms.RemoveFromHost). Creates waiting for this host are woken. What
// cannot be done now is logged and tried again with the next list.
func (c *Control) OnVMList(ctx context.Context, l client.VMList) error {
	hv := l.Addr.HV
	defer c.svc.vms.HostBack(hv)
	byHV, err := c.svc.vms.ByHypervisor(ctx)
	if err != nil {
		return fmt.Errorf("reconcile %s: %w", hv, err)
	}
	settled := make(map[string]bool, len(byHV[hv]))
	for _, id := range byHV[hv] {
		settled[id] = true
	}
	on := make(map[string]bool, len(l.VMs))
	var remove []string
	for _, vm := range l.VMs {
		on[vm.UUID] = true
		rm, err := c.svc.vms.ListedState(ctx, hv, vm.UUID, string(vm.State))
		if err != nil {
			return err
		}
		if rm {
			remove = append(remove, vm.UUID)
		}
		if settled[vm.UUID] {
			continue // recorded here: nothing left over
		}
		removed, err := c.svc.vms.RemoveLeftover(ctx, hv, vm.UUID)
		if err != nil {
			c.svc.opts.Logger.Warn("leftover vm not removed", "hypervisor", hv, "vm", vm.UUID, "err", err)
		} else if removed {
			c.svc.opts.Logger.Info("leftover vm removed", "hypervisor", hv, "vm", vm.UUID)
		}
	}
	for _, id := range byHV[hv] {
		if on[id] {
			continue
		}
		rm, err := c.svc.vms.Absent(ctx, hv, id)
		if err != nil {
			c.svc.opts.Logger.Warn("unlisted vm not reconciled", "hypervisor", hv, "vm", id, "err", err)
			continue
		}
		if rm {
			remove = append(remove, id)
		}
	}
	c.removeFromHost(hv, remove)
	return nil
}

// removeFromHost deletes VMs from hypervisor hv in the background (a
// delete may outlast the agent's wait for its list's answer).
func (c *Control) removeFromHost(hv string, ids []string) {
	if len(ids) == 0 {
		return
	}
	err := c.svc.Go(func(ctx context.Context) {
		for _, id := range ids {
			if err := c.svc.vms.RemoveFromHost(ctx, hv, id); err != nil {
				c.svc.opts.Logger.Warn("vm not removed from its host", "hypervisor", hv, "vm", id, "err", err)
			}
		}
	})
	if err != nil {
		c.svc.opts.Logger.Warn("vms not removed from their host", "hypervisor", hv, "vms", ids, "err", err)
	}
}

// OnAgentDown implements client.AgentDownHandler: the hypervisor's
// agent is away; its VMs keep their last known state until it returns.
func (c *Control) OnAgentDown(ctx context.Context, a client.Addr, reason string) error {
	c.svc.opts.Logger.Info("hypervisor agent down", "hypervisor", a.HV, "node", a.Node, "reason", reason)
	return nil
}
