package releases

import (
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
)

// RecordCodec is the store codec of production nodes: values are records
// of internal/record (deterministic CBOR of CRDT maps), merged with the
// built-in registry, so older schema versions are upgraded on merge and
// unknown fields are kept.
type RecordCodec struct{}

// Check reports whether value is well-formed CBOR of a bounded size: the
// cheap test of every read. A record that is well-formed but does not
// decode is caught by its reader and by the next write.
func (RecordCodec) Check(value []byte) error {
	if len(value) > crdt.MaxEncodedSize {
		return fmt.Errorf("%w: %d bytes exceeds %d", record.ErrCorrupt, len(value), crdt.MaxEncodedSize)
	}
	if err := crdt.DecMode().Wellformed(value); err != nil {
		return fmt.Errorf("%w: %v", record.ErrCorrupt, err)
	}
	return nil
}

// Merge joins the delta record into the stored one.
func (RecordCodec) Merge(old, delta []byte) ([]byte, error) {
	return record.MergeBytes(old, delta)
}
