package ring

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"pgregory.net/rapid"
)

// TestCodecRoundTrip: decoding an encoding gives the ring back, and equal
// rings encode to equal bytes.
func TestCodecRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas, _ := history(t)
		for _, r := range replicas {
			checkInvariants(t, r)
			a, err := Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Marshal(r.Clone())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatal("equal rings encode differently")
			}
		}
	})
}

// TestCodecGolden pins the encoding of a small ring.
func TestCodecGolden(t *testing.T) {
	r := mustNew(t, 2, "a")
	if err := r.Join("b"); err != nil {
		t.Fatal(err)
	}
	r.Rebalance(1)
	b, err := Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// [1, "test-cluster", [["a",1,2],["b",2,2]], [[1,1],[1,1]], [[0,0],[2,2]]]
	const want = "85016c746573742d636c7573746572828361610102836162020282820101820101828200008202 02"
	if got := hex.EncodeToString(b); got != stripSpaces(want) {
		t.Fatalf("encoding\n got %s\nwant %s", got, stripSpaces(want))
	}
}

func stripSpaces(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)) }

// TestUnmarshalBad: each malformed or invariant-breaking input is refused
// with ErrCorrupt.
func TestUnmarshalBad(t *testing.T) {
	enc := func(v any) []byte {
		b, err := cbor.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	m := func(name string, v, s uint64) []any { return []any{name, v, s} }
	a := func(e, n uint64) []any { return []any{e, n} }
	good := []any{uint64(1), "c", []any{m("a", 1, 2), m("b", 1, 1)}, []any{a(1, 1)}, []any{a(0, 0)}}
	if _, err := Unmarshal(enc(good)); err != nil {
		t.Fatalf("the base case does not decode: %v", err)
	}
	with := func(i int, v any) []any {
		out := append([]any(nil), good...)
		out[i] = v
		return out
	}
	cases := map[string][]byte{
		"empty":              nil,
		"not an array":       enc("ring"),
		"trailing bytes":     append(enc(good), 0),
		"short array":        enc(good[:4]),
		"version 2":          enc(with(0, uint64(2))),
		"empty cluster":      enc(with(1, "")),
		"no partitions":      enc(with(3, []any{})),
		"plans mismatch":     enc(with(4, []any{a(0, 0), a(0, 0)})),
		"no members":         enc(with(2, []any{})),
		"unsorted members":   enc(with(2, []any{m("b", 1, 2), m("a", 1, 2)})),
		"duplicate member":   enc(with(2, []any{m("a", 1, 2), m("a", 1, 2)})),
		"status 0":           enc(with(2, []any{m("a", 1, 0)})),
		"status 6":           enc(with(2, []any{m("a", 1, 6)})),
		"status 258":         enc(with(2, []any{m("a", 1, 258)})),
		"version 0":          enc(with(2, []any{m("a", 0, 2)})),
		"empty member name":  enc(with(2, []any{m("", 1, 2)})),
		"owner none":         enc(with(3, []any{a(1, 0)})),
		"owner out of range": enc(with(3, []any{a(1, 3)})),
		"plan out of range":  enc(with(4, []any{a(1, 3)})),
		"negative epoch":     enc(with(3, []any{[]any{-1, 1}})),
		"tagged":             append([]byte{0xc1}, enc(good)...),
		"too big":            make([]byte, MaxEncodedSize+1),
	}
	for name, data := range cases {
		if _, err := Unmarshal(data); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Unmarshal = %v, want ErrCorrupt", name, err)
		}
	}
}
