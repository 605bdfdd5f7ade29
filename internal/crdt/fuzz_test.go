package crdt

import (
	"bytes"
	"errors"
	"testing"
)

// codecPtr is a pointer to a type with this package's CBOR methods.
type codecPtr[T any] interface {
	*T
	MarshalCBOR() ([]byte, error)
	UnmarshalCBOR([]byte) error
}

// fuzzDecoder checks that decoding arbitrary bytes never panics, fails only
// with ErrCorrupt, and that whatever decodes re-encodes to a canonical form:
// decoding that form and encoding again gives the same bytes. When oracle
// is set, whatever decodes must decode to an equal state through it too.
// When canonical is set, it must hold exactly for the inputs that decode
// and re-encode to themselves.
func fuzzDecoder[T any, P codecPtr[T]](f *testing.F, oracle func([]byte) (P, error), canonical func([]byte) bool, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Add([]byte{0x80})
	f.Add([]byte{0x82, 0x80, 0xa0})
	f.Fuzz(func(t *testing.T, data []byte) {
		v := P(new(T))
		if err := v.UnmarshalCBOR(data); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decode error does not wrap ErrCorrupt: %v", err)
			}
			if canonical != nil && canonical(data) {
				t.Fatalf("rejected input reported canonical: %v", err)
			}
			return
		}
		if oracle != nil {
			o, err := oracle(data)
			if err != nil {
				t.Fatalf("accepted by the decoder, rejected by the reference decoder: %v", err)
			}
			b, err1 := v.MarshalCBOR()
			c, err2 := o.MarshalCBOR()
			if err1 != nil || err2 != nil || !bytes.Equal(b, c) {
				t.Fatalf("decoder and reference decoder disagree (%v, %v)", err1, err2)
			}
		}
		b1, err := v.MarshalCBOR()
		if err != nil {
			t.Fatalf("re-encode of a decoded value: %v", err)
		}
		if canonical != nil && canonical(data) != bytes.Equal(b1, data) {
			t.Fatalf("canonical(input) = %v, but input re-encodes to itself = %v", canonical(data), bytes.Equal(b1, data))
		}
		w := P(new(T))
		if err := w.UnmarshalCBOR(b1); err != nil {
			t.Fatalf("decode of a re-encoding: %v", err)
		}
		b2, err := w.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("re-encoding is not stable:\n%x\n%x", b1, b2)
		}
	})
}

// seedMaps returns encodings of real maps: the benchmark sample, some of
// its nested values and a map with concurrent writes and removals.
func seedMaps(tb testing.TB) (maps, sets, counters [][]byte) {
	enc := func(m interface{ MarshalCBOR() ([]byte, error) }) []byte {
		b, err := m.MarshalCBOR()
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	s := SampleMap()
	maps = append(maps, enc(s))
	if v, ok := s.Get("logs"); ok {
		sets = append(sets, enc(v.Set))
	}
	if v, ok := s.Get("resources"); ok {
		maps = append(maps, enc(v.Map))
		if c, ok := v.Map.Get("ram"); ok {
			counters = append(counters, enc(c.Counter))
		}
	}
	a, b := s.Clone(), s.Clone()
	a.Remove("metadata")
	a.SetLWW("x", "state", ts(9, "x"), []byte("stopped"))
	b.UpdateMap("metadata", func(m *ORMap) ORMap { return m.SetLWW("y", "k", ts(9, "y"), nil) })
	b.SetLWW("y", "state", ts(9, "y"), []byte("running"))
	a.Merge(b)
	maps = append(maps, enc(a), enc(deepMap(MaxMapDepth)))
	// Accepted but not canonical: text strings, long heads, empty slots.
	maps = append(maps, []byte{0x82, 0x98, 0x01, 0x83, 0x61, 'a', 0x01, 0x80, 0xa1, 0x61, 'k', 0xa2, 0x01, 0x81, 0x83, 0x82, 0x00, 0x01, 0x83, 0x00, 0x00, 0x41, 'a', 0x40, 0x03, 0xa0})
	return maps, sets, counters
}

func FuzzDecodeORMap(f *testing.F) {
	m, _, _ := seedMaps(f)
	fuzzDecoder[ORMap](f, oracleORMap, IsCanonicalORMap, m...)
}

func FuzzDecodeORSet(f *testing.F) {
	_, s, _ := seedMaps(f)
	fuzzDecoder[ORSet](f, oracleORSet, nil, s...)
}

func FuzzDecodePNCounter(f *testing.F) {
	_, _, c := seedMaps(f)
	fuzzDecoder[PNCounter](f, oraclePNCounter, nil, c...)
}

func FuzzDecodeCausalContext(f *testing.F) {
	b, err := contextOf(Dot{"a", 1}, Dot{"a", 2}, Dot{"a", 5}, Dot{"b", 3}).MarshalCBOR()
	if err != nil {
		f.Fatal(err)
	}
	fuzzDecoder[CausalContext](f, nil, nil, b)
}

func FuzzDecodeLWW(f *testing.F) {
	b, err := LWW{TS: Timestamp{Wall: 1e18, Logical: 3, Node: "n"}, Value: []byte{0xf4}}.MarshalCBOR()
	if err != nil {
		f.Fatal(err)
	}
	fuzzDecoder[LWW](f, nil, nil, b)
}

func FuzzDecodeTimestamp(f *testing.F) {
	b, err := Timestamp{Wall: -5, Logical: 1, Node: "n"}.MarshalCBOR()
	if err != nil {
		f.Fatal(err)
	}
	fuzzDecoder[Timestamp](f, nil, nil, b)
}

func FuzzDecodeDot(f *testing.F) {
	b, err := Dot{Actor: "a", Seq: 9}.MarshalCBOR()
	if err != nil {
		f.Fatal(err)
	}
	fuzzDecoder[Dot](f, nil, nil, b)
}
