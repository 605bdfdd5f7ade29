package driver

// Host is what a driver reports about its hypervisor (reference/fifo.md
// §6.2).
type Host struct {
	// UUID is the hypervisor's hardware uuid (sysinfo "UUID").
	UUID string `json:"uuid"`
	// Hostname is the global zone's host name.
	Hostname string `json:"hostname"`
	// CPUs is the number of CPU cores ("CPU Total Cores").
	CPUs int `json:"cpus"`
	// Memory is the host's memory account.
	Memory Memory `json:"memory"`
	// Pools are the zpools by name.
	Pools map[string]Pool `json:"pools"`
	// NICTags are the NIC tags VMs can attach to, sorted.
	NICTags []string `json:"nic_tags"`
	// Interfaces are the physical network interfaces by name.
	Interfaces map[string]Interface `json:"interfaces"`
	// Services maps each SMF service of the global zone (FMRI) to its
	// state (online, disabled, maintenance, …).
	Services map[string]string `json:"services"`
	// Virtualisation lists the kinds of VM the host runs: "zone" always,
	// "lx", and "kvm" and/or "bhyve" when the CPU allows.
	Virtualisation []string `json:"virtualisation"`
	// Sysinfo is the raw sysinfo document, without secrets (the boot
	// parameter root_shadow is removed).
	Sysinfo map[string]any `json:"sysinfo"`
}

// Memory is a host's memory account in MB (the hypervisor record's
// resources: total-memory, reserved-memory, provisioned-memory,
// free-memory).
type Memory struct {
	// TotalMB is the physical memory.
	TotalMB int64 `json:"total"`
	// ReservedMB is kept for the global zone and never given to VMs.
	ReservedMB int64 `json:"reserved"`
	// ProvisionedMB is what VMs are entitled to: for each VM the larger of
	// its reservation and its configured memory.
	ProvisionedMB int64 `json:"provisioned"`
	// FreeMB is TotalMB - ReservedMB - ProvisionedMB, never below zero.
	FreeMB int64 `json:"free"`
}

// Pool is one zpool's capacity, in MB.
type Pool struct {
	SizeMB int64 `json:"size"`
	UsedMB int64 `json:"used"`
	FreeMB int64 `json:"free"`
	// Dedup is the dedup ratio × 100 (100 = no dedup).
	Dedup int64 `json:"dedup"`
	// Health is ONLINE, DEGRADED, FAULTED, …
	Health string `json:"health"`
}

// Interface is a physical network interface of the host.
type Interface struct {
	MAC        string   `json:"mac"`
	IP         string   `json:"ip,omitempty"`
	LinkStatus string   `json:"link_status,omitempty"`
	NICTags    []string `json:"nic_tags,omitempty"`
}
