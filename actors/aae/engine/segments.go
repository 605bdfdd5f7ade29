package engine

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/fifogo/fifo/internal/hashtree"
)

// The wire form of a Reply's segments: a CBOR array of
// hashtree.MarshalSegment encodings.
var (
	segEnc = mustSegEnc()
	segDec = mustSegDec()
)

func mustSegEnc() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(fmt.Sprintf("aae: bad encoding options: %v", err))
	}
	return m
}

func mustSegDec() cbor.DecMode {
	m, err := cbor.DecOptions{
		MaxNestedLevels:  4,
		MaxArrayElements: max(MaxSegmentsPerQuery, 16),
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("aae: bad decoding options: %v", err))
	}
	return m
}

// MarshalSegments encodes segments (at most MaxSegmentsPerQuery).
func MarshalSegments(segs []hashtree.Segment) ([]byte, error) {
	parts := make([][]byte, len(segs))
	for i, s := range segs {
		b, err := hashtree.MarshalSegment(s)
		if err != nil {
			return nil, err
		}
		parts[i] = b
	}
	b, err := segEnc.Marshal(parts)
	if err != nil {
		return nil, fmt.Errorf("aae: encode segments: %w", err)
	}
	return b, nil
}

// UnmarshalSegments decodes and checks segments; failures wrap
// hashtree.ErrCorrupt.
func UnmarshalSegments(data []byte) ([]hashtree.Segment, error) {
	if len(data) > hashtree.MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes of segments", hashtree.ErrCorrupt, len(data))
	}
	var parts [][]byte
	if err := segDec.Unmarshal(data, &parts); err != nil {
		return nil, fmt.Errorf("%w: segments: %v", hashtree.ErrCorrupt, err)
	}
	out := make([]hashtree.Segment, len(parts))
	for i, b := range parts {
		s, err := hashtree.UnmarshalSegment(b)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}
