package crdt

import (
	"cmp"
	"fmt"
	"strings"
)

// Timestamp is a hybrid logical clock reading. Timestamps are totally
// ordered by (Wall, Logical, Node); the node name breaks ties between
// clocks, so two distinct clocks never produce equal timestamps.
type Timestamp struct {
	// Wall is physical time in Unix nanoseconds (possibly pushed ahead by
	// timestamps observed from other clocks).
	Wall int64
	// Logical orders readings that share a Wall value.
	Logical uint32
	// Node names the clock that produced the reading.
	Node string
}

// Compare returns -1, 0 or +1 as t is before, equal to or after o.
func (t Timestamp) Compare(o Timestamp) int {
	if c := cmp.Compare(t.Wall, o.Wall); c != 0 {
		return c
	}
	if c := cmp.Compare(t.Logical, o.Logical); c != 0 {
		return c
	}
	return strings.Compare(t.Node, o.Node)
}

// IsZero reports whether t is the zero Timestamp.
func (t Timestamp) IsZero() bool { return t == Timestamp{} }

// String renders t for logs, as wall.logical@node.
func (t Timestamp) String() string { return fmt.Sprintf("%d.%d@%s", t.Wall, t.Logical, t.Node) }

// wireTS is the encoding of a Timestamp: [wall, logical, node].
type wireTS struct {
	_       struct{} `cbor:",toarray"`
	Wall    int64
	Logical uint32
	Node    string
}

func (t Timestamp) wire() wireTS { return wireTS{Wall: t.Wall, Logical: t.Logical, Node: t.Node} }

func (w wireTS) timestamp() Timestamp {
	return Timestamp{Wall: w.Wall, Logical: w.Logical, Node: w.Node}
}

// MarshalCBOR encodes t as the array [wall, logical, node].
func (t Timestamp) MarshalCBOR() ([]byte, error) { return structEnc.Marshal(t.wire()) }

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (t *Timestamp) UnmarshalCBOR(data []byte) error {
	var w wireTS
	if err := decodeWire("timestamp", data, &w); err != nil {
		return err
	}
	*t = w.timestamp()
	return nil
}
