package vmadm

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/agent/driver"
)

// totalMemory is the host's memory from sysinfo, read once: it does not
// change while the host runs.
func (d *Driver) totalMemory(ctx context.Context) (int64, error) {
	d.memMu.Lock()
	defer d.memMu.Unlock()
	if d.totalMB > 0 {
		return d.totalMB, nil
	}
	si, err := d.sysinfo(ctx)
	if err != nil {
		return 0, err
	}
	d.totalMB = si.MemoryMB
	return d.totalMB, nil
}

func (d *Driver) sysinfo(ctx context.Context) (Sysinfo, error) {
	out, err := d.cmd(ctx, "sysinfo")
	if err != nil {
		return Sysinfo{}, fmt.Errorf("sysinfo: %w", err)
	}
	return ParseSysinfo(out)
}

// usage is the configured memory of every VM on the host.
func (d *Driver) usage(ctx context.Context) (map[string]int64, error) {
	out, err := d.cmd(ctx, "vmadm", "lookup", "-j", "-o", "uuid,max_physical_memory,ram")
	if err != nil {
		return nil, fmt.Errorf("vm memory: %w", err)
	}
	return ParseMemory(out)
}

// admit reserves mb for vm against the host as it is now.
func (d *Driver) admit(ctx context.Context, vm string, mb int64) error {
	total, err := d.totalMemory(ctx)
	if err != nil {
		return err
	}
	usage, err := d.usage(ctx)
	if err != nil {
		return err
	}
	return d.ledger.Reserve(vm, mb, total-d.opts.ReservedMemoryMB, usage)
}

// Reserve implements driver.MemoryAdmitter.
func (d *Driver) Reserve(ctx context.Context, vmUUID string, ramMB int64) error {
	if err := driver.CheckUUID("vm", vmUUID); err != nil {
		return err
	}
	return d.admit(ctx, vmUUID, ramMB)
}

// Release implements driver.MemoryAdmitter.
func (d *Driver) Release(ctx context.Context, vmUUID string) error {
	if err := driver.CheckUUID("vm", vmUUID); err != nil {
		return err
	}
	d.ledger.Release(vmUUID)
	return nil
}

// Sysinfo implements driver.Prober with sysinfo, zpool list, svcs and
// the memory account.
func (d *Driver) Sysinfo(ctx context.Context) (driver.Host, error) {
	si, err := d.sysinfo(ctx)
	if err != nil {
		return driver.Host{}, err
	}
	out, err := d.cmd(ctx, "zpool", "list", "-Hp", "-o", "name,size,alloc,free,dedup,health")
	if err != nil {
		return driver.Host{}, fmt.Errorf("zpool list: %w", err)
	}
	pools, err := ParsePools(out)
	if err != nil {
		return driver.Host{}, err
	}
	out, err = d.cmd(ctx, "svcs", "-H", "-o", "state,fmri")
	if err != nil {
		return driver.Host{}, fmt.Errorf("svcs: %w", err)
	}
	services, err := ParseServices(out)
	if err != nil {
		return driver.Host{}, err
	}
	usage, err := d.usage(ctx)
	if err != nil {
		return driver.Host{}, err
	}
	prov := d.ledger.Provisioned(usage)
	return driver.Host{
		UUID:     si.UUID,
		Hostname: si.Hostname,
		CPUs:     si.CPUs,
		Memory: driver.Memory{
			TotalMB:       si.MemoryMB,
			ReservedMB:    d.opts.ReservedMemoryMB,
			ProvisionedMB: prov,
			FreeMB:        max(0, si.MemoryMB-d.opts.ReservedMemoryMB-prov),
		},
		Pools:          pools,
		NICTags:        si.NICTags,
		Interfaces:     si.Interfaces,
		Services:       services,
		Virtualisation: si.Virtualisation,
		Sysinfo:        si.Raw,
	}, nil
}
