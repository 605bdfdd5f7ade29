package spec

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// ToSniffle renders a VM as vmadm reports it as the config map of
// sniffle's VM record (reference/fifo.md §4.2): uuid, alias, hostname,
// state, autoboot, quota (GB), ram (MB), cpu_cap, cpu_shares, vcpus,
// max_swap, zfs_io_priority, routes, resolvers, dns_domain, created_at
// (Unix seconds), type (zone, kvm, bhyve), zone_type (lx, docker),
// dataset, package, zonepath, disks, networks, ssh_keys, metadata (the
// customer metadata but the SSH keys), kernel_version, disk_driver,
// nic_driver, and every internal_metadata key that does not clash with
// those. Absent and zero properties are left out. Values are plain:
// strings, bools, int64, []any and map[string]any.
func ToSniffle(vm driver.VM) map[string]any {
	out := map[string]any{"uuid": vm.UUID, "autoboot": vm.Autoboot}
	put := func(k string, v any) {
		switch x := v.(type) {
		case string:
			if x == "" {
				return
			}
		case int64:
			if x == 0 {
				return
			}
		case []string:
			if len(x) == 0 {
				return
			}
			v = strs(x)
		case map[string]string:
			if len(x) == 0 {
				return
			}
			m := make(map[string]any, len(x))
			for k, s := range x {
				m[k] = s
			}
			v = m
		}
		out[k] = v
	}
	put("state", string(vm.State))
	put("alias", vm.Alias)
	put("hostname", vm.Hostname)
	put("dns_domain", vm.DNSDomain)
	put("cpu_cap", vm.CPUCap)
	put("cpu_shares", vm.CPUShares)
	put("zfs_io_priority", vm.ZFSIOPriority)
	put("max_swap", vm.MaxSwap)
	put("vcpus", vm.VCPUs)
	put("kernel_version", vm.KernelVersion)
	put("nic_driver", vm.NICDriver)
	put("disk_driver", vm.DiskDriver)
	put("resolvers", vm.Resolvers)
	put("routes", vm.Routes)
	put("zonepath", vm.ZonePath)
	put("package", vm.PackageName)
	put("ram", or(vm.RAM, vm.MaxPhysicalMemory))
	if t, err := time.Parse(time.RFC3339Nano, vm.CreateTimestamp); err == nil {
		out["created_at"] = t.Unix()
	}

	typ, zoneType := "zone", ""
	switch {
	case driver.HVM(vm.Brand):
		typ = vm.Brand
	case vm.Docker:
		zoneType = "docker"
	case vm.Brand == "lx":
		zoneType = "lx"
	}
	out["type"] = typ
	put("zone_type", zoneType)

	if driver.HVM(vm.Brand) {
		var quota int64
		for _, d := range vm.Disks {
			quota += (max(d.Size, d.ImageSize) + 512) / 1024
		}
		put("quota", quota)
		disks := make([]any, len(vm.Disks))
		for i, d := range vm.Disks {
			disks[i] = plain(d)
		}
		if len(disks) > 0 {
			out["disks"] = disks
		}
	} else {
		put("quota", vm.Quota)
	}
	if imgs := vm.Images(); len(imgs) > 0 {
		out["dataset"] = imgs[0]
	}
	if len(vm.NICs) > 0 {
		nets := make([]any, len(vm.NICs))
		for i, n := range vm.NICs {
			nets[i] = plain(n)
		}
		out["networks"] = nets
	}
	meta := map[string]any{}
	for k, v := range vm.CustomerMetadata {
		if k == "root_authorized_keys" {
			out["ssh_keys"] = v
			continue
		}
		meta[k] = v
	}
	if len(meta) > 0 {
		out["metadata"] = meta
	}
	for k, v := range vm.InternalMetadata {
		if _, taken := out[k]; !taken {
			out[k] = v
		}
	}
	return out
}

func strs(in []string) []any {
	out := make([]any, len(in))
	for i, s := range in {
		out[i] = s
	}
	return out
}

// plain renders a struct as its JSON object with plain values (int64
// numbers).
func plain(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil
	}
	return numbers(x)
}

func numbers(x any) any {
	switch v := x.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = numbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbers(e)
		}
	}
	return x
}
