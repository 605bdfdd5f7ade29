package spec

import (
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// Package is what spec generation uses of a package (VM size); JSON keys
// are FiFo's.
type Package struct {
	UUID          string `json:"uuid"`
	Name          string `json:"name,omitempty"`
	RAM           int64  `json:"ram"`               // MB
	Quota         int64  `json:"quota,omitempty"`   // GB
	CPUCap        int64  `json:"cpu_cap,omitempty"` // % of a core
	CPUShares     int64  `json:"cpu_shares,omitempty"`
	Blocksize     int64  `json:"blocksize,omitempty"`
	Compression   string `json:"compression,omitempty"`
	MaxSwap       int64  `json:"max_swap,omitempty"` // MB
	ZFSIOPriority int64  `json:"zfs_io_priority,omitempty"`
}

// Dataset is what spec generation uses of a dataset (image).
type Dataset struct {
	UUID string `json:"uuid"`
	// Type is zone or kvm (FiFo's dataset type); bhyve is accepted too.
	Type string `json:"type"`
	// ZoneType is lx or docker for those zones, else empty.
	ZoneType string `json:"zone_type,omitempty"`
	// Brand is the brand the image requires (its manifest's
	// requirements.brand): joyent-minimal for a zone, bhyve for a hardware
	// image. Empty: joyent for zones, kvm for hardware images.
	Brand         string `json:"brand,omitempty"`
	KernelVersion string `json:"kernel_version,omitempty"` // lx, docker
	ImageSize     int64  `json:"image_size,omitempty"`     // MB, hardware images
	NICDriver     string `json:"nic_driver,omitempty"`
	DiskDriver    string `json:"disk_driver,omitempty"`
	// DockerCmd is the image's default command (docker:config Cmd of its
	// manifest), used when the config gives none.
	DockerCmd []string `json:"docker_cmd,omitempty"`
}

// Config is the VM's own configuration: the create request's config with
// what sniffle added (uuid, owner, NICs from the IP claims).
type Config struct {
	UUID      string `json:"uuid"`
	Alias     string `json:"alias,omitempty"`
	Hostname  string `json:"hostname,omitempty"`
	DNSDomain string `json:"dns_domain,omitempty"`
	// Autoboot: nil means true (docker VMs are always created stopped).
	Autoboot *bool `json:"autoboot,omitempty"`
	// Owner is the owning org's uuid; empty: the zero uuid.
	Owner string `json:"owner,omitempty"`
	// Resolvers: nil means the host's defaults.
	Resolvers []string `json:"resolvers,omitempty"`
	// Routes maps a destination (CIDR or host) to its gateway.
	Routes map[string]string `json:"routes,omitempty"`
	// NICs are the VM's interfaces from its network and IP claims, in
	// order; the first is primary unless one says it is.
	NICs []driver.NIC `json:"nics,omitempty"`
	// SSHKeys become root_authorized_keys.
	SSHKeys []string `json:"ssh_keys,omitempty"`
	// UserScript becomes the user-script metadata key.
	UserScript string `json:"user_script,omitempty"`
	// Metadata is merged into customer_metadata.
	Metadata map[string]any `json:"metadata,omitempty"`
	// Note goes to internal_metadata.
	Note string `json:"note,omitempty"`
	// NetworkMap (ip → network uuid) goes to internal_metadata as JSON.
	NetworkMap map[string]string `json:"network_map,omitempty"`
	// Passwords are the config's "<x>_pw" keys, for internal_metadata.
	Passwords map[string]string `json:"passwords,omitempty"`
	// DelegateDataset gives the zone a dataset of its own.
	DelegateDataset bool `json:"delegate_dataset,omitempty"`
	// Docker holds the docker settings (cmd, entrypoint, env, workdir, …),
	// stored as internal_metadata "docker:<key>".
	Docker map[string]any `json:"docker,omitempty"`
}

// Host is what spec generation needs of the hypervisor.
type Host struct {
	// TotalMemoryMB is the host's memory, the basis of a VM's default CPU
	// and I/O shares. 0: unknown.
	TotalMemoryMB int64 `json:"total_memory,omitempty"`
	// HVMOverheadMB is added to a hardware VM's ram for its
	// max_physical_memory (the original's KVM_MEM_OVERHEAD). Default
	// DefaultHVMOverheadMB.
	HVMOverheadMB int64 `json:"hvm_overhead,omitempty"`
	// Resolvers are the default DNS resolvers. Default DefaultResolvers.
	Resolvers []string `json:"resolvers,omitempty"`
	// CPUType is the hardware VMs' CPU type (qemu64, host); empty: vmadm's
	// default.
	CPUType string `json:"cpu_type,omitempty"`
	// Now is the current time; docker VMs need it (wait_for_attach).
	Now time.Time `json:"now"`
}

// Defaults of Host.
const (
	DefaultHVMOverheadMB = 1024
	// ZeroUUID owns VMs whose config names no owner.
	ZeroUUID = "00000000-0000-0000-0000-000000000000"
	// DockerInit is the init of docker zones.
	DockerInit = "/native/usr/vm/sbin/dockerinit"
	// DockerAttachWait is how long a new docker VM waits for an attach.
	DockerAttachWait = 60 * time.Second
)

// DefaultResolvers are chunter's default resolvers.
func DefaultResolvers() []string { return []string{"8.8.8.8", "8.8.4.4"} }

func (h Host) withDefaults() Host {
	if h.HVMOverheadMB == 0 {
		h.HVMOverheadMB = DefaultHVMOverheadMB
	}
	if h.Resolvers == nil {
		h.Resolvers = DefaultResolvers()
	}
	return h
}
