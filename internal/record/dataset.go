package record

// BucketDataset is the entity type and bucket of datasets (images).
const BucketDataset = "dataset"

// Dataset is the typed view of a dataset record (sniffle).
type Dataset struct {
	UUID           string  `record:"uuid,lww"`
	DatasetType    string  `record:"dataset_type,lww"` // zone | kvm | jail
	ZoneType       string  `record:"zone_type,lww"`    // lx | docker | ipkg | lipkg
	Status         string  `record:"status,lww"`       // new | pending | importing | imported | failed
	Imported       float64 `record:"imported,lww"`     // progress, 0..1
	Description    string  `record:"description,lww"`
	DiskDriver     string  `record:"disk_driver,lww"`
	Homepage       string  `record:"homepage,lww"`
	ImageSize      int64   `record:"image_size,lww"`
	Name           string  `record:"name,lww"`
	NICDriver      string  `record:"nic_driver,lww"`
	OS             string  `record:"os,lww"`
	Users          any     `record:"users,lww"`
	SHA1           string  `record:"sha1,lww"`
	DatasetVersion string  `record:"dataset_version,lww"`
	KernelVersion  string  `record:"kernel_version,lww"`

	Requirements []any            `record:"requirements,set"` // placement rules
	Networks     []DatasetNetwork `record:"networks,set"`
	Metadata     map[string]any   `record:"metadata,map"`
}

// DatasetNetwork is a network interface a dataset expects.
type DatasetNetwork struct {
	Name string `cbor:"name"`
	Desc string `cbor:"desc"`
}

// NewDataset returns a new dataset record holding the non-zero fields of v.
func NewDataset(st Stamp, v Dataset) (*Record, error) { return create(st, BucketDataset, v) }

// DatasetFromRecord projects a dataset record onto its typed view.
func DatasetFromRecord(r *Record) (Dataset, error) { return fromRecord[Dataset](r, BucketDataset) }
