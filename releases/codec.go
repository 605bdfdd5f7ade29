package releases

import "github.com/fifogo/fifo/internal/record"

// RecordCodec is the store codec of production nodes: values are records
// of internal/record (deterministic CBOR of CRDT maps), merged with the
// built-in registry, so older schema versions are upgraded on merge and
// unknown fields are kept.
type RecordCodec struct{}

// Validate reports whether value decodes as a record.
func (RecordCodec) Validate(value []byte) error {
	_, err := record.Unmarshal(value)
	return err
}

// Merge joins the delta record into the stored one.
func (RecordCodec) Merge(old, delta []byte) ([]byte, error) {
	return record.MergeBytes(old, delta)
}
