// Package wirecbor holds the CBOR modes of our own wire and file formats
// (the ring, hash-tree levels, record batches, anti-entropy segments):
// core deterministic encoding, so equal values are equal bytes, and
// strict decoding — no duplicate map keys, no indefinite lengths, no
// tags — within the bounds each format sets, so a bad peer or a damaged
// file cannot make a node decode without limit.
//
// Records themselves use internal/crdt's modes.
package wirecbor

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Limits bound what a decoding mode accepts.
type Limits struct {
	// Nesting is the deepest nesting of arrays and maps (at least 4, the
	// cbor library's floor).
	Nesting int
	// Items is the most elements of one array (at least 16, the library's
	// floor; formats check their own exact counts after decoding).
	Items int
	// MapPairs is the most pairs of one map (default 16).
	MapPairs int
}

// encMode is built once and never changed, so sharing it is safe.
var encMode = mustEncMode()

func mustEncMode() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(fmt.Sprintf("wirecbor: bad encoding options: %v", err))
	}
	return m
}

// EncMode returns the core deterministic encoding mode.
func EncMode() cbor.EncMode { return encMode }

// DecMode returns a strict decoding mode within l. It panics on limits
// the cbor library refuses (out of its ranges): formats build their modes
// once at package initialisation, where that is a programming error.
func DecMode(l Limits) cbor.DecMode {
	if l.MapPairs == 0 {
		l.MapPairs = 16
	}
	l.Nesting, l.Items = max(l.Nesting, 4), max(l.Items, 16)
	m, err := cbor.DecOptions{
		MaxNestedLevels:  l.Nesting,
		MaxArrayElements: l.Items,
		MaxMapPairs:      l.MapPairs,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("wirecbor: bad decoding limits %+v: %v", l, err))
	}
	return m
}
