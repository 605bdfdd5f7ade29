package driver

// UpdateSpec is the payload of `vmadm update`: only the fields set
// change. Pointers and nil slices and maps mean "leave as is".
type UpdateSpec struct {
	Alias     *string  `json:"alias,omitempty"`
	Hostname  *string  `json:"hostname,omitempty"`
	Autoboot  *bool    `json:"autoboot,omitempty"`
	Resolvers []string `json:"resolvers,omitempty"`

	RAM               *int64 `json:"ram,omitempty"`
	VCPUs             *int64 `json:"vcpus,omitempty"`
	MaxPhysicalMemory *int64 `json:"max_physical_memory,omitempty"`
	MaxLockedMemory   *int64 `json:"max_locked_memory,omitempty"`
	MaxSwap           *int64 `json:"max_swap,omitempty"`
	Quota             *int64 `json:"quota,omitempty"`
	CPUCap            *int64 `json:"cpu_cap,omitempty"`
	CPUShares         *int64 `json:"cpu_shares,omitempty"`
	ZFSIOPriority     *int64 `json:"zfs_io_priority,omitempty"`

	OwnerUUID   *string `json:"owner_uuid,omitempty"`
	PackageName *string `json:"package_name,omitempty"`

	SetCustomerMetadata    Metadata `json:"set_customer_metadata,omitempty"`
	RemoveCustomerMetadata []string `json:"remove_customer_metadata,omitempty"`
	SetInternalMetadata    Metadata `json:"set_internal_metadata,omitempty"`
	RemoveInternalMetadata []string `json:"remove_internal_metadata,omitempty"`

	AddNICs    []NIC    `json:"add_nics,omitempty"`
	UpdateNICs []NIC    `json:"update_nics,omitempty"` // matched by MAC
	RemoveNICs []string `json:"remove_nics,omitempty"` // MACs

	SetRoutes    map[string]string `json:"set_routes,omitempty"`
	RemoveRoutes []string          `json:"remove_routes,omitempty"`

	UpdateDisks []DiskUpdate `json:"update_disks,omitempty"`
}

// DiskUpdate resizes one disk of a hardware VM, found by its path.
type DiskUpdate struct {
	Path string `json:"path"`
	Size int64  `json:"size"` // MB
}

// MemoryMB is the memory the update gives the VM, or 0 when it does not
// change it: max_physical_memory, else ram (as Spec.MemoryMB).
func (u UpdateSpec) MemoryMB() int64 {
	switch {
	case u.MaxPhysicalMemory != nil:
		return *u.MaxPhysicalMemory
	case u.RAM != nil:
		return *u.RAM
	}
	return 0
}

// Apply returns s changed by u, as vmadm update would change it. It is
// the reference of what an update means, used by the simulated host.
func (u UpdateSpec) Apply(s Spec) Spec {
	setS := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setI := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	setS(&s.Alias, u.Alias)
	setS(&s.Hostname, u.Hostname)
	if u.Autoboot != nil {
		s.Autoboot = *u.Autoboot
	}
	if u.Resolvers != nil {
		s.Resolvers = append([]string(nil), u.Resolvers...)
	}
	setI(&s.RAM, u.RAM)
	setI(&s.VCPUs, u.VCPUs)
	setI(&s.MaxPhysicalMemory, u.MaxPhysicalMemory)
	setI(&s.MaxLockedMemory, u.MaxLockedMemory)
	setI(&s.MaxSwap, u.MaxSwap)
	setI(&s.Quota, u.Quota)
	setI(&s.CPUCap, u.CPUCap)
	setI(&s.CPUShares, u.CPUShares)
	setI(&s.ZFSIOPriority, u.ZFSIOPriority)
	setS(&s.OwnerUUID, u.OwnerUUID)
	setS(&s.PackageName, u.PackageName)
	s.CustomerMetadata = editMetadata(s.CustomerMetadata, u.SetCustomerMetadata, u.RemoveCustomerMetadata)
	s.InternalMetadata = editMetadata(s.InternalMetadata, u.SetInternalMetadata, u.RemoveInternalMetadata)
	s.NICs = editNICs(s.NICs, u)
	if u.SetRoutes != nil || u.RemoveRoutes != nil {
		routes := make(map[string]string, len(s.Routes)+len(u.SetRoutes))
		for k, v := range s.Routes {
			routes[k] = v
		}
		for k, v := range u.SetRoutes {
			routes[k] = v
		}
		for _, k := range u.RemoveRoutes {
			delete(routes, k)
		}
		s.Routes = routes
	}
	if len(u.UpdateDisks) > 0 {
		disks := append([]Disk(nil), s.Disks...)
		for _, du := range u.UpdateDisks {
			for i := range disks {
				if disks[i].Path == du.Path {
					disks[i].Size = du.Size
				}
			}
		}
		s.Disks = disks
	}
	return s
}

func editMetadata(m, set Metadata, remove []string) Metadata {
	if set == nil && remove == nil {
		return m
	}
	out := make(Metadata, len(m)+len(set))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range set {
		out[k] = v
	}
	for _, k := range remove {
		delete(out, k)
	}
	return out
}

func editNICs(nics []NIC, u UpdateSpec) []NIC {
	if u.AddNICs == nil && u.UpdateNICs == nil && u.RemoveNICs == nil {
		return nics
	}
	out := make([]NIC, 0, len(nics)+len(u.AddNICs))
	for _, n := range nics {
		removed := false
		for _, mac := range u.RemoveNICs {
			if n.MAC == mac {
				removed = true
			}
		}
		if removed {
			continue
		}
		for _, up := range u.UpdateNICs {
			if up.MAC == n.MAC && n.MAC != "" {
				n = mergeNIC(n, up)
			}
		}
		out = append(out, n)
	}
	out = append(out, u.AddNICs...)
	// One NIC is primary: a NIC made primary by this update wins.
	for _, up := range append(append([]NIC(nil), u.UpdateNICs...), u.AddNICs...) {
		if !up.Primary {
			continue
		}
		for i := range out {
			out[i].Primary = out[i].MAC == up.MAC && (up.MAC != "" || out[i].Interface == up.Interface)
		}
	}
	return out
}

// mergeNIC sets the non-zero fields of up on n.
func mergeNIC(n, up NIC) NIC {
	pick := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	pick(&n.Interface, up.Interface)
	pick(&n.NICTag, up.NICTag)
	pick(&n.IP, up.IP)
	pick(&n.Netmask, up.Netmask)
	pick(&n.Gateway, up.Gateway)
	pick(&n.NetworkUUID, up.NetworkUUID)
	pick(&n.Model, up.Model)
	if up.IPs != nil {
		n.IPs = up.IPs
	}
	if up.Gateways != nil {
		n.Gateways = up.Gateways
	}
	if up.VLANID != 0 {
		n.VLANID = up.VLANID
	}
	if up.MTU != 0 {
		n.MTU = up.MTU
	}
	if up.Primary {
		n.Primary = true
	}
	return n
}
