package sim

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/fifogo/fifo/agent/driver"
)

// Sysinfo implements driver.Prober. Pools fill up with the VMs' quotas
// (zones) and disk sizes (hardware VMs), all on the first pool.
func (d *Driver) Sysinfo(ctx context.Context) (driver.Host, error) {
	if err := ctx.Err(); err != nil {
		return driver.Host{}, err
	}
	o := d.opts
	d.mu.Lock()
	prov := d.ledger.Provisioned(d.usageLocked())
	var diskMB int64
	for _, v := range d.vms {
		diskMB += v.spec.Quota << 10
		for _, dk := range v.spec.Disks {
			diskMB += dk.Size
		}
	}
	d.mu.Unlock()

	h := driver.Host{
		UUID:     o.UUID,
		Hostname: o.Hostname,
		CPUs:     o.CPUs,
		Memory: driver.Memory{
			TotalMB:       o.MemoryMB,
			ReservedMB:    o.ReservedMB,
			ProvisionedMB: prov,
			FreeMB:        max(0, o.MemoryMB-o.ReservedMB-prov),
		},
		Pools:          map[string]driver.Pool{},
		NICTags:        slices.Sorted(slices.Values(o.NICTags)),
		Interfaces:     map[string]driver.Interface{},
		Services:       map[string]string{},
		Virtualisation: slices.Clone(o.Virtualisation),
	}
	names := make([]string, 0, len(o.Pools))
	for name := range o.Pools {
		names = append(names, name)
	}
	slices.Sort(names)
	for i, name := range names {
		size := o.Pools[name]
		used := int64(0)
		if i == 0 {
			used = min(diskMB, size)
		}
		h.Pools[name] = driver.Pool{SizeMB: size, UsedMB: used, FreeMB: size - used, Dedup: 100, Health: "ONLINE"}
	}
	for i, tag := range h.NICTags {
		h.Interfaces[fmt.Sprintf("sim%d", i)] = driver.Interface{
			MAC: fmt.Sprintf("02:00:00:00:00:%02x", i), LinkStatus: "up", NICTags: []string{tag},
		}
	}
	for k, v := range o.Services {
		h.Services[k] = v
	}
	h.Sysinfo = map[string]any{
		"UUID":            o.UUID,
		"Hostname":        o.Hostname,
		"System Type":     "SunOS",
		"Live Image":      "sim",
		"CPU Total Cores": o.CPUs,
		"MiB of Memory":   strconv.FormatInt(o.MemoryMB, 10),
	}
	return h, nil
}

// Reserve implements driver.MemoryAdmitter.
func (d *Driver) Reserve(ctx context.Context, vmUUID string, ramMB int64) error {
	if err := driver.CheckUUID("vm", vmUUID); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ledger.Reserve(vmUUID, ramMB, d.capacity(), d.usageLocked())
}

// Release implements driver.MemoryAdmitter.
func (d *Driver) Release(ctx context.Context, vmUUID string) error {
	if err := driver.CheckUUID("vm", vmUUID); err != nil {
		return err
	}
	d.ledger.Release(vmUUID)
	return nil
}
