package record

// BucketHypervisor is the entity type and bucket of hypervisors.
const BucketHypervisor = "hypervisor"

// Hypervisor is the typed view of a hypervisor record (sniffle), as
// reported by its agent.
type Hypervisor struct {
	UUID           string         `record:"uuid,lww"`
	Alias          string         `record:"alias,lww"`
	Host           string         `record:"host,lww"` // ip
	Port           int64          `record:"port,lww"`
	ChunterVersion string         `record:"chunter_version,lww"`
	Architecture   string         `record:"architecture,lww"`
	LastSeen       int64          `record:"last_seen,lww"` // Unix seconds
	Networks       []string       `record:"networks,lww"`  // nic tags
	Etherstubs     []string       `record:"etherstubs,lww"`
	Path           []PathElem     `record:"path,lww"`
	Sysinfo        map[string]any `record:"sysinfo,lww"`
	Virtualisation []string       `record:"virtualisation,lww"` // zone, kvm, ipkg, jail…

	Characteristics map[string]any `record:"characteristics,map"`
	Metadata        map[string]any `record:"metadata,map"`
	Pools           map[string]any `record:"pools,map"`     // pool → {size, used, free, dedup, health}
	Resources       map[string]any `record:"resources,map"` // free-memory, … (MB)
	Services        map[string]any `record:"services,map"`  // fmri → state
}

// PathElem is one hop of a hypervisor's topology path.
type PathElem struct {
	Name string `cbor:"name"`
	Cost int64  `cbor:"cost"`
}

// NewHypervisor returns a new hypervisor record holding the non-zero fields
// of v.
func NewHypervisor(st Stamp, v Hypervisor) (*Record, error) { return create(st, BucketHypervisor, v) }

// HypervisorFromRecord projects a hypervisor record onto its typed view.
func HypervisorFromRecord(r *Record) (Hypervisor, error) {
	return fromRecord[Hypervisor](r, BucketHypervisor)
}
