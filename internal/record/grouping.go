package record

// BucketGrouping is the entity type and bucket of groupings.
const BucketGrouping = "grouping"

// Grouping is the typed view of a grouping record (sniffle): a cluster
// (hard anti-affinity) or stack (best-effort affinity) of VMs or groupings.
type Grouping struct {
	UUID         string         `record:"uuid,lww"`
	Name         string         `record:"name,lww"`
	GroupingType string         `record:"grouping_type,lww"` // cluster | stack | none
	Elements     []string       `record:"elements,set"`
	Groupings    []string       `record:"groupings,set"`
	Config       map[string]any `record:"config,map"`
	Metadata     map[string]any `record:"metadata,map"`
}

// NewGrouping returns a new grouping record holding the non-zero fields of
// v.
func NewGrouping(st Stamp, v Grouping) (*Record, error) { return create(st, BucketGrouping, v) }

// GroupingFromRecord projects a grouping record onto its typed view.
func GroupingFromRecord(r *Record) (Grouping, error) { return fromRecord[Grouping](r, BucketGrouping) }
