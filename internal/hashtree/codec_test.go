package hashtree

import (
	"errors"
	"slices"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

func TestLevelRoundTrip(t *testing.T) {
	tr, _ := New(Options{})
	tr.Put("k", DigestOf([]byte("v")))
	l, err := tr.Expand(0, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalLevel(l)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalLevel(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Shape != l.Shape || back.Depth != 1 || !slices.Equal(back.Nodes, l.Nodes) || !slices.Equal(back.Hashes, l.Hashes) {
		t.Fatalf("round trip: %+v, want %+v", back, l)
	}
	// 32 hashes of 16 bytes, 32 node numbers and a few bytes of framing.
	if len(b) > 32*Size+32*2+16 {
		t.Fatalf("an expanded node encodes to %d bytes", len(b))
	}
}

func TestSegmentRoundTrip(t *testing.T) {
	tr, _ := New(Options{Segments: 1, Fanout: 2})
	for _, k := range []string{"a", "b\x00c", "zz"} {
		tr.Put(k, DigestOf([]byte(k)))
	}
	s, _ := tr.Segment(0)
	b, err := MarshalSegment(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalSegment(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Keys, s.Keys) || !slices.Equal(back.Digests, s.Digests) || back.Shape != s.Shape {
		t.Fatalf("round trip: %+v, want %+v", back, s)
	}
}

// TestUnmarshalBad: malformed or invariant-breaking messages are refused
// with ErrCorrupt.
func TestUnmarshalBad(t *testing.T) {
	enc := func(v any) []byte {
		b, err := cbor.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	shape := []any{1024, 32}
	h := make([]byte, Size)
	levels := map[string][]byte{
		"empty":          nil,
		"version 2":      enc([]any{2, shape, 0, []any{0}, h}),
		"bad shape":      enc([]any{1, []any{1000, 32}, 0, []any{0}, h}),
		"fanout 1":       enc([]any{1, []any{1024, 1}, 0, []any{0}, h}),
		"deep":           enc([]any{1, shape, 3, []any{0}, h}),
		"node range":     enc([]any{1, shape, 1, []any{32}, h}),
		"unsorted":       enc([]any{1, shape, 1, []any{2, 1}, append(h, h...)}),
		"short hashes":   enc([]any{1, shape, 0, []any{0}, h[:15]}),
		"trailing":       append(enc([]any{1, shape, 0, []any{0}, h}), 0),
		"negative depth": enc([]any{1, shape, -1, []any{0}, h}),
	}
	for name, b := range levels {
		if _, err := UnmarshalLevel(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("level %s: %v, want ErrCorrupt", name, err)
		}
	}
	one := []any{1, 2}
	k0, k1 := "", ""
	for i := 0; k0 == "" || k1 == ""; i++ { // a key of each of two segments
		k := string(rune('a' + i))
		if segmentOf(k, 2) == 0 && k0 == "" {
			k0 = k
		} else if segmentOf(k, 2) == 1 && k1 == "" {
			k1 = k
		}
	}
	two := []any{2, 2}
	segs := map[string][]byte{
		"empty":          nil,
		"index range":    enc([]any{1, one, 1, []any{}, []byte{}}),
		"wrong segment":  enc([]any{1, two, 0, []any{[]byte(k1)}, h}),
		"duplicate keys": enc([]any{1, one, 0, []any{[]byte("a"), []byte("a")}, append(h, h...)}),
		"unsorted keys":  enc([]any{1, one, 0, []any{[]byte("b"), []byte("a")}, append(h, h...)}),
		"short digests":  enc([]any{1, one, 0, []any{[]byte("a")}, h[:3]}),
		"version 0":      enc([]any{0, one, 0, []any{}, []byte{}}),
	}
	if _, err := UnmarshalSegment(enc([]any{1, two, 0, []any{[]byte(k0)}, h})); err != nil {
		t.Fatalf("the base segment does not decode: %v", err)
	}
	for name, b := range segs {
		if _, err := UnmarshalSegment(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("segment %s: %v, want ErrCorrupt", name, err)
		}
	}
}
