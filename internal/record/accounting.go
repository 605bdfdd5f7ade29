package record

// BucketAccounting is the entity type and bucket of accounting logs, one
// record per org.
const BucketAccounting = "accounting"

// Accounting is the typed view of an org's accounting log (snarl).
type Accounting struct {
	Org     string            `record:"org,lww"`
	Entries []AccountingEntry `record:"entries,set"`
}

// AccountingEntry records one billable event of a resource.
type AccountingEntry struct {
	Timestamp int64          `cbor:"timestamp"` // Unix microseconds
	Action    string         `cbor:"action"`    // create | update | destroy
	Resource  string         `cbor:"resource"`  // resource uuid
	Metadata  map[string]any `cbor:"metadata,omitempty"`
}

// NewAccounting returns a new accounting log record holding the non-zero
// fields of v.
func NewAccounting(st Stamp, v Accounting) (*Record, error) { return create(st, BucketAccounting, v) }

// AccountingFromRecord projects an accounting log record onto its typed
// view.
func AccountingFromRecord(r *Record) (Accounting, error) {
	return fromRecord[Accounting](r, BucketAccounting)
}

// AddAccounting appends e to an org's accounting log.
func AddAccounting(r *Record, st Stamp, e AccountingEntry) (*Record, error) {
	if err := r.expect(BucketAccounting); err != nil {
		return nil, err
	}
	return r.AddToSet(st, "entries", e)
}
