package vms

import (
	"fmt"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/internal/record"
)

// DefaultSpec builds a vmadm create spec from a package, a dataset and a
// config (fifo.md §6.3, the common fields): brand by dataset type, memory,
// quota and CPU from the package, the claimed NICs, resolvers, routes,
// customer metadata with root_authorized_keys.
func DefaultSpec(vm string, pkg record.Package, ds record.Dataset, cfg Config, nics []driver.NIC, sshKeys []string) (driver.Spec, error) {
	s := driver.Spec{UUID: vm, Alias: cfg.Alias, Hostname: cfg.Hostname, Autoboot: cfg.autoboot(),
		MaxPhysicalMemory: pkg.RAM, MaxLockedMemory: pkg.RAM, MaxSwap: max(pkg.MaxSwap, pkg.RAM),
		Quota: pkg.Quota, CPUCap: pkg.CPUCap, CPUShares: pkg.CPUShares, ZFSIOPriority: pkg.ZFSIOPriority,
		PackageName: pkg.Name, Resolvers: cfg.Resolvers, NICs: nics, DelegateDataset: cfg.DelegateDataset}
	switch {
	case ds.DatasetType == "kvm":
		s.Brand = "kvm"
		s.RAM = pkg.RAM
		s.VCPUs = max(1, pkg.CPUCap/100)
		s.Disks = []driver.Disk{{Boot: true, ImageUUID: ds.UUID, ImageSize: ds.ImageSize, Model: orDefault(ds.DiskDriver, "virtio")}}
		for i := range s.NICs {
			s.NICs[i].Model = orDefault(ds.NICDriver, "virtio")
		}
	case ds.ZoneType == "lx":
		s.Brand = "lx"
		s.ImageUUID = ds.UUID
		s.KernelVersion = ds.KernelVersion
	case ds.ZoneType == "docker":
		s.Brand = "lx"
		s.ImageUUID = ds.UUID
		s.Docker = true
		s.KernelVersion = orDefault(ds.KernelVersion, "3.13.0")
	default:
		s.Brand = "joyent"
		s.ImageUUID = ds.UUID
	}
	if len(cfg.Routes) > 0 {
		s.Routes = map[string]string{}
		for _, r := range cfg.Routes {
			for k, v := range r {
				s.Routes[k] = v
			}
		}
	}
	md := driver.Metadata{}
	for k, v := range cfg.Metadata {
		str, ok := v.(string)
		if !ok {
			return driver.Spec{}, fmt.Errorf("metadata %q: values are strings", k)
		}
		md[k] = str
	}
	if keys := append(append([]string{}, sshKeys...), cfg.SSHKeys...); len(keys) > 0 {
		md["root_authorized_keys"] = strings.Join(keys, "\n")
	}
	if len(md) > 0 {
		s.CustomerMetadata = md
	}
	if cfg.Note != "" {
		s.InternalMetadata = driver.Metadata{"note": cfg.Note}
	}
	return s, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
