package crdt

import (
	"bytes"
	"fmt"
)

// LWW is a last-writer-wins register. Value holds the CBOR encoding of the
// stored Go value (see SetValue and Decode). The write with the higher
// timestamp wins; equal timestamps are broken by the larger Value bytes, so
// the merge is deterministic. The zero LWW is the unwritten register.
//
// Value bytes are never modified in place once stored, so LWW values may be
// copied freely.
type LWW struct {
	TS    Timestamp
	Value []byte
}

// Set writes value at ts and returns the delta, which is the write itself.
// A write older than the current one changes nothing.
func (l *LWW) Set(ts Timestamp, value []byte) LWW {
	d := LWW{TS: ts, Value: value}
	l.Merge(d)
	return d
}

// SetValue writes the deterministic CBOR encoding of v at ts and returns the
// delta.
func (l *LWW) SetValue(ts Timestamp, v any) (LWW, error) {
	b, err := valueEnc.Marshal(v)
	if err != nil {
		return LWW{}, fmt.Errorf("crdt: encode register value: %w", err)
	}
	return l.Set(ts, b), nil
}

// Decode decodes the register's value into dst. It returns ErrUnset for an
// unwritten register.
func (l LWW) Decode(dst any) error {
	if l.IsZero() {
		return ErrUnset
	}
	if err := valueDec.Unmarshal(l.Value, dst); err != nil {
		return fmt.Errorf("crdt: decode register value: %w", err)
	}
	return nil
}

// IsZero reports whether l was never written.
func (l LWW) IsZero() bool { return l.TS.IsZero() && len(l.Value) == 0 }

// Merge joins o into l: the later write wins.
func (l *LWW) Merge(o LWW) {
	if o.wins(*l) {
		*l = o
	}
}

// wins reports whether l beats o.
func (l LWW) wins(o LWW) bool {
	if c := l.TS.Compare(o.TS); c != 0 {
		return c > 0
	}
	return bytes.Compare(l.Value, o.Value) > 0
}

// Equal reports whether l and o hold the same write.
func (l LWW) Equal(o LWW) bool { return l.TS == o.TS && bytes.Equal(l.Value, o.Value) }

func (l LWW) join(o LWW) LWW {
	if o.wins(l) {
		return o
	}
	return l
}

func (l LWW) eq(o LWW) bool { return l.Equal(o) }

// wireLWW is the encoding of a standalone register: [timestamp, value].
type wireLWW struct {
	_     struct{} `cbor:",toarray"`
	TS    wireTS
	Value []byte
}

// MarshalCBOR encodes l as the array [[wall, logical, node], value bytes].
func (l LWW) MarshalCBOR() ([]byte, error) {
	return structEnc.Marshal(wireLWW{TS: l.TS.wire(), Value: l.Value})
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (l *LWW) UnmarshalCBOR(data []byte) error {
	var w wireLWW
	if err := decodeWire("lww", data, &w); err != nil {
		return err
	}
	*l = LWW{TS: w.TS.timestamp(), Value: w.Value}
	return nil
}
