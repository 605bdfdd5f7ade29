package proto

import (
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// Limits of a payload accepted by Unmarshal.
const (
	// MaxPayload is the largest payload decoded, in bytes.
	MaxPayload = 16 << 20
	// maxItems bounds the elements of one array and the pairs of one map.
	maxItems = 1 << 20
)

// The modes are built once and never changed, so sharing them is safe.
var (
	encMode = mustEncMode()
	decMode = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	// Core deterministic: equal values are equal bytes. Field names and
	// omitempty come from the json tags of the driver's types.
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(fmt.Sprintf("proto: bad encoding options: %v", err))
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		MaxNestedLevels:  64,
		MaxArrayElements: maxItems,
		MaxMapPairs:      maxItems,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		DefaultMapType:   reflect.TypeFor[map[string]any](),
		IntDec:           cbor.IntDecConvertSignedOrBigInt,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("proto: bad decoding options: %v", err))
	}
	return m
}

// Marshal encodes a payload (a driver.Spec, driver.Host, []driver.VM, …)
// as deterministic CBOR.
func Marshal(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("proto: encode %T: %w", v, err)
	}
	return b, nil
}

// Unmarshal decodes a payload made by Marshal into v. Maps of unknown
// type decode to map[string]any, integers to int64 where they fit.
func Unmarshal(b []byte, v any) error {
	if len(b) > MaxPayload {
		return fmt.Errorf("proto: decode %T: payload of %d bytes exceeds %d", v, len(b), MaxPayload)
	}
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("proto: decode %T: %w", v, err)
	}
	return nil
}
