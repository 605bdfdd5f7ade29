package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/fifogo/fifo/agent/chunter/hostid"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/agent/vmadm"
)

// openDriver builds the configured driver and returns it with the
// hypervisor's uuid, kept in the data directory: a simulated host gets a
// random uuid on its first start, a SmartOS host its hardware uuid. A
// simulated host keeps its VMs and images in its state file (by default
// in the data directory), so like a real one it outlives the agent.
func openDriver(ctx context.Context, c config, log *slog.Logger) (driver.Driver, string, error) {
	switch c.Driver {
	case "sim":
		hv, err := hostid.LoadOrCreate(c.DataDir, func() (string, error) { return hostid.New(nil) })
		if err != nil {
			return nil, "", err
		}
		d, err := sim.New(sim.Options{
			UUID: hv, Hostname: c.SimHostname, CPUs: c.SimCPUs, MemoryMB: c.SimMemoryMB,
			ReservedMB: c.ReservedMB, NICTags: c.SimNICTags, StateFile: c.simStatePath(),
			Delays: sim.Delays{Create: c.SimCreateDelay, Boot: c.SimBootDelay},
		})
		if err != nil {
			return nil, "", usageError{err}
		}
		if p := c.simStatePath(); p != "" {
			log.Info("simulated host state", "path", p)
		}
		return d, hv, nil
	case "vmadm":
		d, err := vmadm.New(vmadm.Options{BinDir: c.VmadmBinDir, ReservedMemoryMB: c.ReservedMB, Logger: log.With("component", "vmadm")})
		if err != nil {
			return nil, "", usageError{err}
		}
		hv, err := hostid.LoadOrCreate(c.DataDir, func() (string, error) {
			h, err := d.Sysinfo(ctx)
			if err != nil {
				return "", fmt.Errorf("sysinfo: %w", err)
			}
			return h.UUID, nil
		})
		if err != nil {
			return nil, "", err
		}
		return d, hv, nil
	}
	return nil, "", usageError{fmt.Errorf("driver %q: want sim or vmadm", c.Driver)}
}
