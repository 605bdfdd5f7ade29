package driver

// Spec is the payload of `vmadm create`: a VM's configuration in vmadm's
// property names and units (memory in MB, quota in GB, disk sizes in MB).
// Package vmadm/spec builds it from a package, a dataset and a config;
// encoding/json renders it as vmadm reads it.
type Spec struct {
	UUID      string `json:"uuid"`
	Brand     string `json:"brand"` // joyent, joyent-minimal, lx, kvm, bhyve
	Alias     string `json:"alias,omitempty"`
	Hostname  string `json:"hostname,omitempty"`
	DNSDomain string `json:"dns_domain,omitempty"`
	Autoboot  bool   `json:"autoboot"`

	ImageUUID     string `json:"image_uuid,omitempty"` // zone brands
	KernelVersion string `json:"kernel_version,omitempty"`

	RAM               int64  `json:"ram,omitempty"`   // hardware VMs
	VCPUs             int64  `json:"vcpus,omitempty"` // hardware VMs
	CPUType           string `json:"cpu_type,omitempty"`
	MaxPhysicalMemory int64  `json:"max_physical_memory,omitempty"`
	MaxLockedMemory   int64  `json:"max_locked_memory,omitempty"`
	MaxSwap           int64  `json:"max_swap,omitempty"`
	Quota             int64  `json:"quota,omitempty"`
	CPUCap            int64  `json:"cpu_cap,omitempty"`
	CPUShares         int64  `json:"cpu_shares,omitempty"`
	ZFSIOPriority     int64  `json:"zfs_io_priority,omitempty"`

	OwnerUUID   string `json:"owner_uuid,omitempty"`
	PackageName string `json:"package_name,omitempty"`

	Resolvers  []string          `json:"resolvers,omitempty"`
	Routes     map[string]string `json:"routes,omitempty"`
	NICs       []NIC             `json:"nics,omitempty"`
	Disks      []Disk            `json:"disks,omitempty"`
	NICDriver  string            `json:"nic_driver,omitempty"`
	DiskDriver string            `json:"disk_driver,omitempty"`

	CustomerMetadata           Metadata `json:"customer_metadata,omitempty"`
	InternalMetadata           Metadata `json:"internal_metadata,omitempty"`
	InternalMetadataNamespaces []string `json:"internal_metadata_namespaces,omitempty"`

	Docker   bool   `json:"docker,omitempty"`
	InitName string `json:"init_name,omitempty"`

	ZFSRootCompression string `json:"zfs_root_compression,omitempty"`
	ZFSDataCompression string `json:"zfs_data_compression,omitempty"`
	DelegateDataset    bool   `json:"delegate_dataset,omitempty"`
}

// NIC is a VM's network interface (vmadm nics[]).
type NIC struct {
	Interface   string   `json:"interface,omitempty"` // net0, net1, …
	MAC         string   `json:"mac,omitempty"`
	NICTag      string   `json:"nic_tag,omitempty"`
	IP          string   `json:"ip,omitempty"` // an address, "dhcp" or "addrconf"
	IPs         []string `json:"ips,omitempty"`
	Netmask     string   `json:"netmask,omitempty"`
	Gateway     string   `json:"gateway,omitempty"`
	Gateways    []string `json:"gateways,omitempty"`
	VLANID      int64    `json:"vlan_id,omitempty"`
	NetworkUUID string   `json:"network_uuid,omitempty"`
	Primary     bool     `json:"primary,omitempty"`
	Model       string   `json:"model,omitempty"` // hardware VMs: virtio, e1000, …
	MTU         int64    `json:"mtu,omitempty"`
}

// Disk is a hardware VM's disk (vmadm disks[]).
type Disk struct {
	Boot          bool   `json:"boot"`
	ImageUUID     string `json:"image_uuid,omitempty"`
	ImageSize     int64  `json:"image_size,omitempty"` // MB
	Size          int64  `json:"size,omitempty"`       // MB
	Model         string `json:"model,omitempty"`      // virtio, ide, scsi
	Compression   string `json:"compression,omitempty"`
	Blocksize     int64  `json:"blocksize,omitempty"`
	Media         string `json:"media,omitempty"` // disk, cdrom
	Path          string `json:"path,omitempty"`
	ZFSFilesystem string `json:"zfs_filesystem,omitempty"`
}

// MemoryMB is the memory the spec gives the VM: max_physical_memory
// (which, for hardware VMs, includes the hypervisor's overhead), else ram.
func (s Spec) MemoryMB() int64 {
	if s.MaxPhysicalMemory > 0 {
		return s.MaxPhysicalMemory
	}
	return s.RAM
}

// Images lists the images the spec installs from: image_uuid and the
// disks' image_uuid, in that order.
func (s Spec) Images() []string {
	var out []string
	if s.ImageUUID != "" {
		out = append(out, s.ImageUUID)
	}
	for _, d := range s.Disks {
		if d.ImageUUID != "" {
			out = append(out, d.ImageUUID)
		}
	}
	return out
}

// HVM reports whether the brand is a hardware VM (kvm, bhyve).
func HVM(brand string) bool { return brand == "kvm" || brand == "bhyve" }

// Brands are the brands a Spec may have.
var brands = map[string]bool{"joyent": true, "joyent-minimal": true, "lx": true, "kvm": true, "bhyve": true}

// Clone returns a deep copy of s: changing one does not change the other.
func (s Spec) Clone() Spec {
	s.Resolvers = cloneSlice(s.Resolvers)
	s.InternalMetadataNamespaces = cloneSlice(s.InternalMetadataNamespaces)
	if s.Routes != nil {
		r := make(map[string]string, len(s.Routes))
		for k, v := range s.Routes {
			r[k] = v
		}
		s.Routes = r
	}
	if s.NICs != nil {
		nics := make([]NIC, len(s.NICs))
		for i, n := range s.NICs {
			n.IPs = cloneSlice(n.IPs)
			n.Gateways = cloneSlice(n.Gateways)
			nics[i] = n
		}
		s.NICs = nics
	}
	s.Disks = cloneSlice(s.Disks)
	s.CustomerMetadata = s.CustomerMetadata.clone()
	s.InternalMetadata = s.InternalMetadata.clone()
	return s
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func (m Metadata) clone() Metadata {
	if m == nil {
		return nil
	}
	out := make(Metadata, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
