package record

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fxamacker/cbor/v2"
)

// wireRecord is the encoding of a Record: [type, schema, fields], in the
// value encoding of package crdt (the type a text string). Marshal writes
// it by hand and Unmarshal reads its usual form by hand (see readHeader);
// the CBOR library decodes every other form.
type wireRecord struct {
	_      struct{} `cbor:",toarray"`
	Type   string
	Schema uint32
	Fields cbor.RawMessage
}

// encodeSize is the buffer size Marshal starts with: a VM record's
// encoding is some 600 bytes.
const encodeSize = 1024

// Marshal encodes r as deterministic CBOR: the array [type, schema, fields].
func Marshal(r *Record) ([]byte, error) {
	return appendRecord(make([]byte, 0, encodeSize), r)
}

// appendRecord appends the encoding of Marshal to dst.
func appendRecord(dst []byte, r *Record) ([]byte, error) {
	dst = appendHead(dst, majorArray, 3)
	dst = appendHead(dst, majorText, uint64(len(r.Type)))
	dst = append(dst, r.Type...)
	dst = appendHead(dst, majorUint, uint64(r.Schema))
	b, err := r.Fields.AppendCBOR(dst)
	if err != nil {
		return nil, fmt.Errorf("record %s: encode: %w", r.Type, err)
	}
	return b, nil
}

// Unmarshal decodes the encoding of Marshal as is, without upgrading it
// (see Load). Any failure wraps ErrCorrupt. The record does not share
// memory with data.
func Unmarshal(data []byte) (*Record, error) { return unmarshal(data, false) }

// recordAlloc holds a decoded record and its fields, allocated together.
type recordAlloc struct {
	r      Record
	fields crdt.ORMap
}

// unmarshal is Unmarshal; when shared, the record's register values may
// alias data (see crdt.ORMap.UnmarshalCBORShared).
func unmarshal(data []byte, shared bool) (*Record, error) {
	if len(data) > crdt.MaxEncodedSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), crdt.MaxEncodedSize)
	}
	var (
		typ    string
		schema uint32
		fields []byte
	)
	if h, ok := readHeader(data); ok {
		typ, schema, fields = internType(h.typ), uint32(h.schema), h.fields
	} else {
		var w wireRecord
		if err := crdt.DecMode().Unmarshal(data, &w); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		typ, schema, fields = w.Type, w.Schema, w.Fields
		shared = true // w.Fields is a copy
	}
	if typ == "" {
		return nil, fmt.Errorf("%w: empty entity type", ErrCorrupt)
	}
	if schema == 0 {
		return nil, fmt.Errorf("%w: record %s: schema version 0", ErrCorrupt, typ)
	}
	a := &recordAlloc{}
	var err error
	if shared {
		err = a.fields.UnmarshalCBORShared(fields)
	} else {
		err = a.fields.UnmarshalCBOR(fields)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrCorrupt, typ, err)
	}
	a.r = Record{Type: typ, Schema: schema, Fields: &a.fields}
	return &a.r, nil
}

// internType returns the built-in registry's copy of a known type name,
// and a new string for any other.
func internType(b []byte) string {
	if e, ok := builtin.entities[string(b)]; ok {
		return e.Type
	}
	return string(b)
}

// header is the start of an encoded record, read by readHeader.
type header struct {
	typ    []byte // the entity type, valid UTF-8
	schema uint64 // at most math.MaxUint32
	fields []byte // the rest of the input
	short  bool   // the three heads are in their shortest form
}

// readHeader reads [type, schema, in the form Marshal writes, except that
// heads may be longer than needed: a definite array of three, a definite
// text string of valid UTF-8 and an unsigned integer that fits a uint32.
// For these the CBOR library would decode the same type and schema and
// leave the rest of the input to the fields, so the fields' decoder sees
// the same bytes either way. ok is false for every other form.
func readHeader(data []byte) (h header, ok bool) {
	major, n, short1, b, ok := readHead(data)
	if !ok || major != majorArray || n != 3 {
		return header{}, false
	}
	major, n, short2, b, ok := readHead(b)
	if !ok || major != majorText || n > uint64(len(b)) || !utf8.Valid(b[:n]) {
		return header{}, false
	}
	h.typ, b = b[:n], b[n:]
	major, n, short3, b, ok := readHead(b)
	if !ok || major != majorUint || n > math.MaxUint32 {
		return header{}, false
	}
	h.schema, h.fields, h.short = n, b, short1 && short2 && short3
	return h, true
}

// CBOR major types, shifted into place.
const (
	majorUint  = 0 << 5
	majorText  = 3 << 5
	majorArray = 4 << 5
)

// readHead reads a definite item head: its major type, argument, whether
// it is in its shortest form, and the bytes after it.
func readHead(b []byte) (major byte, arg uint64, short bool, rest []byte, ok bool) {
	if len(b) == 0 {
		return 0, 0, false, nil, false
	}
	major, ai := b[0]&0xe0, b[0]&0x1f
	switch {
	case ai < 24:
		return major, uint64(ai), true, b[1:], true
	case ai > 27:
		return 0, 0, false, nil, false
	}
	n := 1 << (ai - 24)
	if len(b) <= n {
		return 0, 0, false, nil, false
	}
	for _, c := range b[1 : 1+n] {
		arg = arg<<8 | uint64(c)
	}
	least := uint64(24) // the least argument that needs the width used
	if ai > 24 {
		least = 1 << (8 << (ai - 25))
	}
	return major, arg, arg >= least, b[1+n:], true
}

// appendHead appends an item head in its shortest form.
func appendHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major|byte(n))
	case n <= math.MaxUint8:
		return append(b, major|24, byte(n))
	case n <= math.MaxUint16:
		return append(b, major|25, byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		return append(b, major|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, major|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32),
		byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// Check is the cheap test of an encoded record for reads: data must be at
// most crdt.MaxEncodedSize bytes of well-formed CBOR within the decoding
// limits (nesting, item counts, no tags), shaped as a record: the array
// [type, schema, fields] with a non-empty type, a schema version from 1 and
// fields an array of two items ([context, store]). It decodes neither the
// fields nor any CRDT state, so it is weaker than Unmarshal: every record
// that Unmarshal accepts passes, but one that passes may still be corrupt
// (a broken invariant, a malformed store), which only decoding finds.
// Failures wrap ErrCorrupt.
func Check(data []byte) error {
	if len(data) > crdt.MaxEncodedSize {
		return fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), crdt.MaxEncodedSize)
	}
	if err := crdt.DecMode().Wellformed(data); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	h, ok := readHeader(data)
	if !ok {
		// Unusual but possibly valid forms: decode the header as Unmarshal
		// does.
		var w wireRecord
		if err := crdt.DecMode().Unmarshal(data, &w); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		h = header{typ: []byte(w.Type), schema: uint64(w.Schema), fields: w.Fields}
	}
	if len(h.typ) == 0 {
		return fmt.Errorf("%w: empty entity type", ErrCorrupt)
	}
	if h.schema == 0 {
		return fmt.Errorf("%w: record %s: schema version 0", ErrCorrupt, h.typ)
	}
	if major, n, _, _, ok := readHead(h.fields); !ok || major != majorArray || n != 2 {
		return fmt.Errorf("%w: record %s: fields are not [context, store]", ErrCorrupt, h.typ)
	}
	return nil
}
