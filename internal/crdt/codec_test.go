package crdt

import (
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
