package driver

// VM is a VM as the hypervisor reports it (`vmadm get`): its
// configuration plus the properties the hypervisor keeps.
type VM struct {
	Spec
	// State is the simplified state (NormalizeState of vmadm's state).
	State State `json:"state"`
	// ZoneState is the zone's state as zoneadm reports it.
	ZoneState string `json:"zone_state,omitempty"`
	// ZonePath is the zone's root path, /zones/<uuid>.
	ZonePath string `json:"zonepath,omitempty"`
	// ZFSFilesystem is the zone's dataset, zones/<uuid>.
	ZFSFilesystem string `json:"zfs_filesystem,omitempty"`
	// CreateTimestamp is when the VM was created (ISO 8601).
	CreateTimestamp string `json:"create_timestamp,omitempty"`
}

// Datasets are the ZFS datasets a snapshot of the VM covers: the zone's
// dataset and, for hardware VMs, each disk's volume. A VM that does not
// say (a fake, an old record) gets zones/<uuid>.
func (v VM) Datasets() []string {
	root := v.ZFSFilesystem
	if root == "" {
		root = "zones/" + v.UUID
	}
	out := []string{root}
	for _, d := range v.Disks {
		if d.ZFSFilesystem != "" && d.ZFSFilesystem != root {
			out = append(out, d.ZFSFilesystem)
		}
	}
	return out
}
