package releases

import "github.com/fifogo/fifo/internal/record"

// RecordCodec is the store codec of production nodes: values are records
// of internal/record (deterministic CBOR of CRDT maps), merged with the
// built-in registry, so older schema versions are upgraded on merge and
// unknown fields are kept.
type RecordCodec struct{}

// Check is the cheap test of every read (record.Check: the outer
// structure and well-formed fields within the size limits). A record that
// passes but does not fully decode is caught by its reader and by the next
// write.
func (RecordCodec) Check(value []byte) error { return record.Check(value) }

// Merge joins the delta record into the stored one.
func (RecordCodec) Merge(old, delta []byte) ([]byte, error) {
	return record.MergeBytes(old, delta)
}
