package engine

import (
	"fmt"

	"github.com/fifogo/fifo/internal/wirecbor"

	"github.com/fifogo/fifo/internal/hashtree"
)

// The wire form of a Reply's segments: a CBOR array of
// hashtree.MarshalSegment encodings.
var (
	segEnc = wirecbor.EncMode()
	segDec = wirecbor.DecMode(wirecbor.Limits{Nesting: 4, Items: MaxSegmentsPerQuery})
)

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
