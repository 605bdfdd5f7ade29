package record

// BucketPackage is the entity type and bucket of packages (VM sizes).
const BucketPackage = "package"

// Package is the typed view of a package record (sniffle).
type Package struct {
	UUID          string `record:"uuid,lww"`
	Name          string `record:"name,lww"`
	RAM           int64  `record:"ram,lww"`     // MB
	Quota         int64  `record:"quota,lww"`   // GB
	CPUCap        int64  `record:"cpu_cap,lww"` // percent; 100 = one core
	CPUShares     int64  `record:"cpu_shares,lww"`
	Blocksize     int64  `record:"blocksize,lww"`
	Compression   string `record:"compression,lww"`
	MaxSwap       int64  `record:"max_swap,lww"`
	ZFSIOPriority int64  `record:"zfs_io_priority,lww"`

	OrgResources map[string]int64 `record:"org_resources,counters"`
	HVResources  map[string]int64 `record:"hv_resources,counters"`
	Requirements []any            `record:"requirements,set"` // placement rules
	Metadata     map[string]any   `record:"metadata,map"`
}

// NewPackage returns a new package record holding the non-zero fields of v.
func NewPackage(st Stamp, v Package) (*Record, error) { return create(st, BucketPackage, v) }

// PackageFromRecord projects a package record onto its typed view.
func PackageFromRecord(r *Record) (Package, error) { return fromRecord[Package](r, BucketPackage) }
