package spec

import (
	"github.com/fifogo/fifo/agent/driver"
)

// UpdateConfig is a change to a VM's configuration; nil fields stay as
// they are.
type UpdateConfig struct {
	Alias     *string  `json:"alias,omitempty"`
	Hostname  *string  `json:"hostname,omitempty"`
	Autoboot  *bool    `json:"autoboot,omitempty"`
	Resolvers []string `json:"resolvers,omitempty"`
	MaxSwap   *int64   `json:"max_swap,omitempty"`
	// Owner moves the VM to another org (owner_uuid).
	Owner *string `json:"owner,omitempty"`
	// SSHKeys replaces root_authorized_keys; an empty, non-nil list
	// removes it.
	SSHKeys []string `json:"ssh_keys,omitempty"`
	// Metadata is merged into customer_metadata.
	Metadata map[string]any `json:"metadata,omitempty"`
	// RemoveMetadata removes customer_metadata keys.
	RemoveMetadata []string          `json:"remove_metadata,omitempty"`
	Note           *string           `json:"note,omitempty"`
	Passwords      map[string]string `json:"passwords,omitempty"`
	AddNICs        []driver.NIC      `json:"add_nics,omitempty"`
	UpdateNICs     []driver.NIC      `json:"update_nics,omitempty"`
	RemoveNICs     []string          `json:"remove_nics,omitempty"` // MACs
	SetRoutes      map[string]string `json:"set_routes,omitempty"`
	RemoveRoutes   []string          `json:"remove_routes,omitempty"`
}

// ToUpdate builds the `vmadm update` payload that applies c and, when p
// is not nil, resizes the VM to package p (the original's create_update).
// vm is the VM as it is now.
func ToUpdate(vm driver.VM, p *Package, c UpdateConfig, h Host) (driver.UpdateSpec, error) {
	h = h.withDefaults()
	if err := checkPasswords(c.Passwords); err != nil {
		return driver.UpdateSpec{}, err
	}
	hvm := driver.HVM(vm.Brand)
	u := driver.UpdateSpec{
		Alias:        c.Alias,
		Hostname:     c.Hostname,
		Autoboot:     c.Autoboot,
		Resolvers:    c.Resolvers,
		MaxSwap:      c.MaxSwap,
		OwnerUUID:    c.Owner,
		UpdateNICs:   c.UpdateNICs,
		RemoveNICs:   c.RemoveNICs,
		SetRoutes:    copyMap(c.SetRoutes),
		RemoveRoutes: c.RemoveRoutes,
	}
	for _, n := range c.AddNICs {
		if n.NICTag == "" {
			return driver.UpdateSpec{}, invalid("added nic has no nic_tag")
		}
		if hvm && n.Model == "" {
			n.Model = or(vm.NICDriver, "virtio")
		}
		u.AddNICs = append(u.AddNICs, n)
	}
	set := driver.Metadata{}
	for k, v := range c.Metadata {
		str, err := metaString(v)
		if err != nil {
			return driver.UpdateSpec{}, err
		}
		set[k] = str
	}
	switch {
	case len(c.SSHKeys) > 0:
		set["root_authorized_keys"] = joinKeys(c.SSHKeys)
	case c.SSHKeys != nil:
		u.RemoveCustomerMetadata = append(u.RemoveCustomerMetadata, "root_authorized_keys")
	}
	u.RemoveCustomerMetadata = append(u.RemoveCustomerMetadata, c.RemoveMetadata...)
	if len(set) > 0 {
		u.SetCustomerMetadata = set
	}
	internal := driver.Metadata{}
	if c.Note != nil {
		internal["note"] = *c.Note
	}
	for k, v := range c.Passwords {
		internal[k] = v
	}
	if p != nil {
		if err := resize(&u, vm, *p, h, internal); err != nil {
			return driver.UpdateSpec{}, err
		}
	}
	if len(internal) > 0 {
		u.SetInternalMetadata = internal
	}
	return u, u.Validate()
}

// resize sets the package's resources: shares, swap, cap, and the memory
// and disk of the VM's kind.
func resize(u *driver.UpdateSpec, vm driver.VM, p Package, h Host, internal driver.Metadata) error {
	if p.RAM <= 0 || p.Quota < 0 || p.CPUCap < 0 {
		return invalid("package %s: ram %d, quota %d, cpu_cap %d", p.UUID, p.RAM, p.Quota, p.CPUCap)
	}
	share := ramShare(p.RAM, h.TotalMemoryMB)
	ptr := func(v int64) *int64 { return &v }
	name := p.UUID
	u.PackageName = &name
	internal["package"] = p.UUID
	if v := or(p.CPUShares, share); v > 0 {
		u.CPUShares = ptr(v)
	}
	if v := or(p.ZFSIOPriority, 2*share); v > 0 {
		u.ZFSIOPriority = ptr(v)
	}
	u.MaxSwap = ptr(max(256, or(p.MaxSwap, 2*p.RAM)))
	if p.CPUCap > 0 {
		u.CPUCap = ptr(p.CPUCap)
	}
	if !driver.HVM(vm.Brand) {
		u.MaxPhysicalMemory = ptr(p.RAM)
		u.MaxLockedMemory = ptr(p.RAM)
		u.Quota = ptr(p.Quota)
		return nil
	}
	u.RAM = ptr(p.RAM)
	u.VCPUs = ptr(vcpus(or(p.CPUCap, vm.CPUCap)))
	u.MaxPhysicalMemory = ptr(p.RAM + h.HVMOverheadMB)
	u.MaxLockedMemory = ptr(p.RAM + h.HVMOverheadMB)
	if p.Quota > 0 {
		for _, d := range vm.Disks {
			if !d.Boot && (d.Media == "" || d.Media == "disk") && d.Path != "" {
				u.UpdateDisks = []driver.DiskUpdate{{Path: d.Path, Size: p.Quota * 1024}}
				break
			}
		}
	}
	return nil
}

func joinKeys(keys []string) string {
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += "\n"
		}
		out += k
	}
	return out
}
