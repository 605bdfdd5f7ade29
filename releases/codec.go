package releases

import "github.com/fifogo/fifo/internal/record"

// RecordCodec is the store codec of production nodes: values are records
// of internal/record (deterministic CBOR of CRDT maps), checked on read and
// merged with the built-in registry, so older schema versions are upgraded
// on merge and unknown fields are kept (record.StoreCodec).
type RecordCodec = record.StoreCodec
