package crdt

import (
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// Limits applied when decoding. They bound the work and memory an input can
// cause; a state beyond them is reported as ErrCorrupt.
const (
	// MaxEncodedSize is the largest encoding accepted, in bytes.
	MaxEncodedSize = 64 << 20
	// MaxMapDepth is the deepest nesting of ORMaps accepted (the root is 1).
	MaxMapDepth = 16
	// maxNestedLevels bounds CBOR nesting; an ORMap level costs two CBOR
	// levels and a register leaf four more.
	maxNestedLevels = 2*MaxMapDepth + 8
	// maxItems bounds the elements of one CBOR array and the pairs of one
	// CBOR map (a /12 IP range set has 2^20 elements).
	maxItems = 1 << 20
)

// The four modes below are built once and immutable, so sharing them is safe.
// The structure modes encode every Go string as a CBOR byte string, so that
// actors, keys and set elements may hold any bytes (set elements are often
// CBOR themselves); the value modes are plain core deterministic CBOR for
// the Go values stored in registers.
var (
	structEnc = mustEnc(func(o *cbor.EncOptions) { o.String = cbor.StringToByteString })
	structDec = mustDec(func(o *cbor.DecOptions) {
		o.ByteStringToString = cbor.ByteStringToStringAllowed
		o.ExtraReturnErrors = cbor.ExtraDecErrorUnknownField
	})
	valueEnc = mustEnc(func(*cbor.EncOptions) {})
	valueDec = mustDec(func(o *cbor.DecOptions) {
		o.DefaultMapType = reflect.TypeFor[map[string]any]()
		o.IntDec = cbor.IntDecConvertSignedOrBigInt
	})
)

// EncMode returns the deterministic encoding used for values stored in
// registers (core deterministic CBOR). It is immutable and safe to share.
func EncMode() cbor.EncMode { return valueEnc }

// DecMode returns the decoding, with this package's limits, that matches
// EncMode. Maps decode to map[string]any and integers to int64 where they
// fit. It is immutable and safe to share.
func DecMode() cbor.DecMode { return valueDec }

func mustEnc(adjust func(*cbor.EncOptions)) cbor.EncMode {
	o := cbor.CoreDetEncOptions()
	o.NilContainers = cbor.NilContainerAsEmpty
	adjust(&o)
	m, err := o.EncMode()
	if err != nil {
		panic(fmt.Sprintf("crdt: bad encoding options: %v", err))
	}
	return m
}

func mustDec(adjust func(*cbor.DecOptions)) cbor.DecMode {
	o := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  maxNestedLevels,
		MaxArrayElements: maxItems,
		MaxMapPairs:      maxItems,
		TagsMd:           cbor.TagsForbidden,
	}
	adjust(&o)
	m, err := o.DecMode()
	if err != nil {
		panic(fmt.Sprintf("crdt: bad decoding options: %v", err))
	}
	return m
}

// decodeWire decodes data into the wire form w with the structure mode,
// wrapping every failure as ErrCorrupt.
func decodeWire(what string, data []byte, w any) error {
	if len(data) > MaxEncodedSize {
		return fmt.Errorf("%w: %s: %d bytes exceeds %d", ErrCorrupt, what, len(data), MaxEncodedSize)
	}
	if err := structDec.Unmarshal(data, w); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, what, err)
	}
	return nil
}

// corrupt builds an ErrCorrupt error for a broken invariant.
func corrupt(what, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, what, fmt.Sprintf(format, args...))
}
