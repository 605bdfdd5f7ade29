package record

import (
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fxamacker/cbor/v2"
)

// wireRecord is the encoding of a Record: [type, schema, fields].
type wireRecord struct {
	_      struct{} `cbor:",toarray"`
	Type   string
	Schema uint32
	Fields cbor.RawMessage
}

// Marshal encodes r as deterministic CBOR: the array [type, schema, fields].
func Marshal(r *Record) ([]byte, error) {
	fields, err := r.Fields.MarshalCBOR()
	if err != nil {
		return nil, fmt.Errorf("record %s: encode: %w", r.Type, err)
	}
	b, err := crdt.EncMode().Marshal(wireRecord{Type: r.Type, Schema: r.Schema, Fields: fields})
	if err != nil {
		return nil, fmt.Errorf("record %s: encode: %w", r.Type, err)
	}
	return b, nil
}

// Unmarshal decodes the encoding of Marshal as is, without upgrading it
// (see Load). Any failure wraps ErrCorrupt.
func Unmarshal(data []byte) (*Record, error) {
	if len(data) > crdt.MaxEncodedSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), crdt.MaxEncodedSize)
	}
	var w wireRecord
	if err := crdt.DecMode().Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if w.Type == "" {
		return nil, fmt.Errorf("%w: empty entity type", ErrCorrupt)
	}
	if w.Schema == 0 {
		return nil, fmt.Errorf("%w: record %s: schema version 0", ErrCorrupt, w.Type)
	}
	fields := &crdt.ORMap{}
	if err := fields.UnmarshalCBOR(w.Fields); err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrCorrupt, w.Type, err)
	}
	return &Record{Type: w.Type, Schema: w.Schema, Fields: fields}, nil
}
