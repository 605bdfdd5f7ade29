package record

// BucketHostname is the entity type and bucket of hostnames (DNS A
// records), keyed by hostname and org.
const BucketHostname = "hostname"

// Hostname is the typed view of a hostname record (sniffle).
type Hostname struct {
	Name string         `record:"name,lww"`
	Org  string         `record:"org,lww"`
	A    []HostnameAddr `record:"a,set"`
}

// HostnameAddr is one A record: a VM and one of its addresses.
type HostnameAddr struct {
	VM string `cbor:"vm_uuid"`
	IP uint32 `cbor:"ip"`
}

// NewHostname returns a new hostname record holding the non-zero fields of
// v.
func NewHostname(st Stamp, v Hostname) (*Record, error) { return create(st, BucketHostname, v) }

// HostnameFromRecord projects a hostname record onto its typed view.
func HostnameFromRecord(r *Record) (Hostname, error) { return fromRecord[Hostname](r, BucketHostname) }
