package crdt

import (
	"cmp"
	"fmt"
	"strings"
)

// Dot names one mutation: the Seq-th event of Actor. Seq starts at 1.
type Dot struct {
	Actor string
	Seq   uint64
}

// Compare orders dots by actor, then sequence number.
func (d Dot) Compare(o Dot) int {
	if c := strings.Compare(d.Actor, o.Actor); c != 0 {
		return c
	}
	return cmp.Compare(d.Seq, o.Seq)
}

// String renders d for logs, as actor:seq.
func (d Dot) String() string { return fmt.Sprintf("%s:%d", d.Actor, d.Seq) }

// wireDot is the encoding of a Dot inside a store: [actor index, seq], the
// index pointing into the enclosing causal context's sorted actor list.
type wireDot struct {
	_ struct{} `cbor:",toarray"`
	A uint64
	S uint64
}

// wireFullDot is the encoding of a standalone Dot: [actor, seq].
type wireFullDot struct {
	_     struct{} `cbor:",toarray"`
	Actor string
	Seq   uint64
}

// MarshalCBOR encodes d as the array [actor, seq].
func (d Dot) MarshalCBOR() ([]byte, error) {
	return structEnc.Marshal(wireFullDot{Actor: d.Actor, Seq: d.Seq})
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR; Seq must be at least 1.
func (d *Dot) UnmarshalCBOR(data []byte) error {
	var w wireFullDot
	if err := decodeWire("dot", data, &w); err != nil {
		return err
	}
	if w.Seq == 0 {
		return corrupt("dot", "sequence number 0")
	}
	*d = Dot{Actor: w.Actor, Seq: w.Seq}
	return nil
}
