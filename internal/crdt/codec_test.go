package crdt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSampleMapIsDeterministic(t *testing.T) {
	a, err := SampleMap().MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	b, err := SampleMap().MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Fatal("SampleMap encodes differently on two calls")
	}
	if n := SampleMap().Len(); n < 15 {
		t.Fatalf("SampleMap has %d keys", n)
	}
	t.Logf("sample map: %d bytes", len(a))
}

// TestDecodeRejectsBrokenInvariants feeds well-formed CBOR that breaks a
// state invariant.
func TestDecodeRejectsBrokenInvariants(t *testing.T) {
	ctx := []wireCtxActor{{Actor: "a", Max: 2}}
	reg := func(a, s uint64) []wireReg { return []wireReg{{Dot: wireDot{A: a, S: s}, Value: []byte{1}}} }
	deep := wireEntry{Reg: reg(0, 1)}
	for range MaxMapDepth {
		deep = wireEntry{Map: map[string]wireEntry{"k": deep}}
	}
	tests := []struct {
		name string
		w    wireORMap
		want string
	}{
		{"empty entry", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": {}}}, "empty map entry"},
		{"dot outside context", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": {Reg: reg(0, 3)}}}, "outside the causal context"},
		{"dot seq 0", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": {Reg: reg(0, 0)}}}, "outside the causal context"},
		{"actor index out of range", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": {Reg: reg(1, 1)}}}, "out of range"},
		{"unsorted dots", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": {Ctr: []wireCtr{{Dot: wireDot{S: 2}}, {Dot: wireDot{S: 1}}}}}}, "not strictly sorted"},
		{"set element without dots", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": {Set: map[string][]wireDot{"e": {}}}}}, "without dots"},
		{"too deep", wireORMap{Ctx: ctx, Entries: map[string]wireEntry{"k": deep}}, "nested deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := structEnc.Marshal(tt.w)
			if err != nil {
				t.Fatal(err)
			}
			var m ORMap
			err = m.UnmarshalCBOR(b)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrCorrupt mentioning %q", err, tt.want)
			}
		})
	}
}

func TestDecodeRejectsMalformedCBOR(t *testing.T) {
	good, err := SampleMap().MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty":           {},
		"truncated":       good[:len(good)/2],
		"trailing bytes":  append(append([]byte{}, good...), 0),
		"wrong shape":     {0x83, 0x80, 0xa0, 0x00},
		"unknown kind":    {0x82, 0x80, 0xa1, 0x41, 'k', 0xa1, 0x05, 0x80},
		"duplicate key":   {0x82, 0x80, 0xa2, 0x41, 'k', 0xa0, 0x61, 'k', 0xa0},
		"tag":             {0xc1, 0x00},
		"not an array":    {0x01},
		"indefinite junk": {0x9f, 0xff},
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			var m ORMap
			if err := m.UnmarshalCBOR(in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestDecodedStateDoesNotAliasInput(t *testing.T) {
	data, err := SampleMap().MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	var m ORMap
	if err := m.UnmarshalCBOR(data); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0xff
	}
	if !m.Equal(SampleMap()) {
		t.Fatal("overwriting the input changed the decoded state")
	}
}

func mustMarshal(tb testing.TB, m *ORMap) []byte {
	tb.Helper()
	b, err := m.MarshalCBOR()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// deepMap returns a map nested depth levels deep with a register, a
// counter and a set at the bottom: the deepest CBOR nesting that decodes.
func deepMap(depth int) *ORMap {
	var m ORMap
	var write func(sub *ORMap, left int) ORMap
	write = func(sub *ORMap, left int) ORMap {
		if left == 1 {
			d := sub.SetLWW("a", "r", Timestamp{Wall: 1, Node: "a"}, []byte{1})
			d2 := sub.UpdateCounter("c", func(c *PNCounter) PNCounter { return c.Inc("a", 1) })
			d3 := sub.UpdateSet("s", func(s *ORSet) ORSet { return s.Add("a", "e") })
			d.Merge(&d2)
			d.Merge(&d3)
			return d
		}
		return sub.UpdateMap("k", func(n *ORMap) ORMap { return write(n, left-1) })
	}
	write(&m, depth)
	return &m
}

// TestDecodeLimits checks the limits the reader applies itself, in place
// of the structure mode's well-formedness check: maps nested as deep as
// MaxMapDepth decode (and nest no deeper in CBOR than maxNestedLevels
// allows), arrays and maps of more than maxItems do not.
func TestDecodeLimits(t *testing.T) {
	deep := mustMarshal(t, deepMap(MaxMapDepth))
	if err := structDec.Wellformed(deep); err != nil {
		t.Fatalf("deepest map is not well formed for the structure mode: %v", err)
	}
	var m ORMap
	if err := m.UnmarshalCBOR(deep); err != nil {
		t.Fatalf("deepest map rejected: %v", err)
	}
	if _, err := oracleORMap(deep); err != nil {
		t.Fatalf("deepest map rejected by the reference decoder: %v", err)
	}
	if err := m.UnmarshalCBOR(mustMarshal(t, deepMap(MaxMapDepth+1))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("map nested too deep: %v", err)
	}
	// A set of maxItems+1 elements, each [element, [dot]].
	var b []byte
	b = append(b, 0x82, 0x81, 0x83, 0x41, 'a', 0x1a, 0x00, 0x20, 0x00, 0x00, 0x80) // context a:1..2^21
	b = append(b, 0xa1, 0x41, 's', 0xa1, 0x03)                                     // {s: {3: set}}
	b = append(b, 0xba, 0x00, 0x10, 0x00, 0x01)                                    // map of 2^20+1
	for i := range maxItems + 1 {
		b = append(b, 0x43, byte(i>>16), byte(i>>8), byte(i), 0x81, 0x82, 0x00, 0x1a, byte(i>>24), byte(i>>16), byte(i>>8), byte(i+1))
	}
	err := m.UnmarshalCBOR(b)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "exceed") {
		t.Fatalf("oversized set: %v", err)
	}
	if err := structDec.Wellformed(b); err == nil {
		t.Fatal("the structure mode accepts the oversized set")
	}
}

func TestAppendCBORAndShared(t *testing.T) {
	want := mustMarshal(t, SampleMap())
	got, err := SampleMap().AppendCBOR([]byte("prefix"))
	if err != nil || string(got[:6]) != "prefix" || !bytes.Equal(got[6:], want) {
		t.Fatalf("AppendCBOR: %v", err)
	}
	data := bytes.Clone(want)
	var m ORMap
	if err := m.UnmarshalCBORShared(data); err != nil || !m.Equal(SampleMap()) {
		t.Fatalf("UnmarshalCBORShared: %v", err)
	}
	if !bytes.Equal(mustMarshal(t, &m), want) {
		t.Fatal("shared decode re-encodes differently")
	}
}
