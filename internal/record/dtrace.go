package record

// BucketDTrace is the entity type and bucket of DTrace scripts.
const BucketDTrace = "dtrace"

// DTrace is the typed view of a DTrace script record (sniffle).
type DTrace struct {
	UUID     string         `record:"uuid,lww"`
	Name     string         `record:"name,lww"`
	Script   string         `record:"script,lww"`
	Config   map[string]any `record:"config,map"`
	Metadata map[string]any `record:"metadata,map"`
}

// NewDTrace returns a new DTrace script record holding the non-zero fields
// of v.
func NewDTrace(st Stamp, v DTrace) (*Record, error) { return create(st, BucketDTrace, v) }

// DTraceFromRecord projects a DTrace script record onto its typed view.
func DTraceFromRecord(r *Record) (DTrace, error) { return fromRecord[DTrace](r, BucketDTrace) }
