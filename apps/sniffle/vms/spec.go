package vms

import (
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/vmadm/spec"
	"github.com/fifogo/fifo/internal/record"
)

// SpecInput is what a create spec is made of.
type SpecInput struct {
	VM         string
	Owner      string
	Package    record.Package
	Dataset    record.Dataset
	Config     Config
	NICs       []driver.NIC
	SSHKeys    []string // the creator's, before the config's own
	Hypervisor record.Hypervisor
	Now        time.Time
}

// SpecBuilder turns a create into the agent's create spec.
type SpecBuilder func(in SpecInput) (driver.Spec, error)

// VmadmSpec builds the spec with agent/vmadm/spec (fifo.md §6.3).
func VmadmSpec(in SpecInput) (driver.Spec, error) {
	c := in.Config
	routes := map[string]string{}
	for _, r := range c.Routes {
		for k, v := range r {
			routes[k] = v
		}
	}
	if len(routes) == 0 {
		routes = nil
	}
	total, _ := in.Hypervisor.Resources["total-memory"].(int64)
	s, err := spec.ToVmadm(spec.PackageFromRecord(in.Package), spec.DatasetFromRecord(in.Dataset), spec.Config{
		UUID: in.VM, Alias: c.Alias, Hostname: c.Hostname, Autoboot: c.Autoboot, Owner: in.Owner,
		Resolvers: c.Resolvers, Routes: routes, NICs: in.NICs, SSHKeys: append(append([]string{}, in.SSHKeys...), c.SSHKeys...),
		Metadata: c.Metadata, Note: c.Note, DelegateDataset: c.DelegateDataset,
	}, spec.Host{TotalMemoryMB: total, Now: in.Now})
	if err != nil {
		return driver.Spec{}, fmt.Errorf("vm spec: %w", err)
	}
	return s, nil
}

// reservation is the memory a create asks its hypervisor to admit: the
// package's ram, plus the hardware-VM overhead vmadm adds.
func reservation(pkg record.Package, ds record.Dataset) int64 {
	if ds.DatasetType == "kvm" || ds.DatasetType == "bhyve" {
		return pkg.RAM + spec.DefaultHVMOverheadMB
	}
	return pkg.RAM
}
