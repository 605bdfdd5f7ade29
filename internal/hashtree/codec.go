package hashtree

import (
	"fmt"

	"github.com/fifogo/fifo/internal/wirecbor"
)

// FormatVersion is the version of the message encodings, their first
// element.
const FormatVersion = 1

// MaxMessageSize bounds a message Unmarshal accepts, in bytes. A level
// expanded from every node of a default tree is 1024 hashes (~17 KB); a
// segment is its keys and digests, about 100 keys at 100k keys.
const MaxMessageSize = 16 << 20

// maxItems bounds the elements of one decoded array.
const maxItems = MaxSegments

// The modes are built once and never changed, so sharing them is safe.
var (
	encMode = wirecbor.EncMode()
	decMode = wirecbor.DecMode(wirecbor.Limits{Nesting: 6, Items: maxItems})
)

// wireShape is [segments, fanout].
type wireShape struct {
	_        struct{} `cbor:",toarray"`
	Segments uint64
	Fanout   uint64
}

// wireLevel is [version, shape, depth, nodes, hashes]: hashes is one byte
// string of 16 bytes per node, so a level costs little more than its
// hashes.
type wireLevel struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Shape   wireShape
	Depth   uint64
	Nodes   []uint64
	Hashes  []byte
}

// wireSegment is [version, shape, index, keys, digests]: keys are byte
// strings (keys are arbitrary bytes), digests one byte string of 16 bytes
// per key.
type wireSegment struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Shape   wireShape
	Index   uint64
	Keys    [][]byte
	Digests []byte
}

// MarshalLevel encodes a level as deterministic CBOR.
func MarshalLevel(l Level) ([]byte, error) {
	w := wireLevel{
		Version: FormatVersion,
		Shape:   wireShape{Segments: uint64(l.Shape.Segments), Fanout: uint64(l.Shape.Fanout)},
		Depth:   uint64(l.Depth),
		Nodes:   make([]uint64, len(l.Nodes)),
		Hashes:  make([]byte, 0, Size*len(l.Hashes)),
	}
	for i, n := range l.Nodes {
		w.Nodes[i] = uint64(n)
	}
	for _, h := range l.Hashes {
		w.Hashes = append(w.Hashes, h[:]...)
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("hashtree: encode level %d: %w", l.Depth, err)
	}
	return b, nil
}

// UnmarshalLevel decodes a level. It checks what it can without a tree:
// the shape, one hash per node, nodes strictly increasing and within the
// level's size for that shape. Failures wrap ErrCorrupt.
func UnmarshalLevel(data []byte) (Level, error) {
	var w wireLevel
	if err := decode(data, &w); err != nil {
		return Level{}, err
	}
	shape, err := w.Shape.options()
	if err != nil {
		return Level{}, err
	}
	sizes := shape.levelSizes()
	if w.Depth >= uint64(len(sizes)) {
		return Level{}, fmt.Errorf("%w: level %d of a %d-level shape", ErrCorrupt, w.Depth, len(sizes))
	}
	if len(w.Hashes) != Size*len(w.Nodes) {
		return Level{}, fmt.Errorf("%w: %d hash bytes for %d nodes", ErrCorrupt, len(w.Hashes), len(w.Nodes))
	}
	l := Level{Shape: shape, Depth: int(w.Depth), Nodes: make([]int, len(w.Nodes)), Hashes: make([]Hash, len(w.Nodes))}
	size := uint64(sizes[w.Depth])
	for i, n := range w.Nodes {
		if n >= size || (i > 0 && n <= w.Nodes[i-1]) {
			return Level{}, fmt.Errorf("%w: level %d: node %d out of order or range (%d nodes)", ErrCorrupt, w.Depth, n, size)
		}
		l.Nodes[i] = int(n)
		copy(l.Hashes[i][:], w.Hashes[Size*i:])
	}
	return l, nil
}

// MarshalSegment encodes a segment as deterministic CBOR.
func MarshalSegment(s Segment) ([]byte, error) {
	w := wireSegment{
		Version: FormatVersion,
		Shape:   wireShape{Segments: uint64(s.Shape.Segments), Fanout: uint64(s.Shape.Fanout)},
		Index:   uint64(s.Index),
		Keys:    make([][]byte, len(s.Keys)),
		Digests: make([]byte, 0, Size*len(s.Digests)),
	}
	for i, k := range s.Keys {
		w.Keys[i] = []byte(k)
	}
	for _, d := range s.Digests {
		w.Digests = append(w.Digests, d[:]...)
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("hashtree: encode segment %d: %w", s.Index, err)
	}
	return b, nil
}

// UnmarshalSegment decodes a segment and checks it: a valid shape, the
// index in range, keys strictly increasing and each hashing to the
// segment, one digest per key. Failures wrap ErrCorrupt.
func UnmarshalSegment(data []byte) (Segment, error) {
	var w wireSegment
	if err := decode(data, &w); err != nil {
		return Segment{}, err
	}
	shape, err := w.Shape.options()
	if err != nil {
		return Segment{}, err
	}
	if w.Index >= uint64(shape.Segments) {
		return Segment{}, fmt.Errorf("%w: segment %d of %d", ErrCorrupt, w.Index, shape.Segments)
	}
	if len(w.Digests) != Size*len(w.Keys) {
		return Segment{}, fmt.Errorf("%w: %d digest bytes for %d keys", ErrCorrupt, len(w.Digests), len(w.Keys))
	}
	s := Segment{Shape: shape, Index: int(w.Index), Keys: make([]string, len(w.Keys)), Digests: make([]Digest, len(w.Keys))}
	for i, k := range w.Keys {
		s.Keys[i] = string(k)
		copy(s.Digests[i][:], w.Digests[Size*i:])
	}
	if err := checkSegment(s); err != nil {
		return Segment{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return s, nil
}

// decode unmarshals a message with the package's limits and checks its
// format version.
func decode(data []byte, v interface{ version() uint64 }) error {
	if len(data) > MaxMessageSize {
		return fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), MaxMessageSize)
	}
	if err := decMode.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if got := v.version(); got != FormatVersion {
		return fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, got, FormatVersion)
	}
	return nil
}

func (w *wireLevel) version() uint64   { return w.Version }
func (w *wireSegment) version() uint64 { return w.Version }

// options checks a decoded shape.
func (w wireShape) options() (Options, error) {
	if w.Segments == 0 || w.Segments > MaxSegments || w.Fanout == 0 || w.Fanout > MaxFanout {
		return Options{}, fmt.Errorf("%w: shape %d segments, fanout %d", ErrCorrupt, w.Segments, w.Fanout)
	}
	o := Options{Segments: int(w.Segments), Fanout: int(w.Fanout)}
	if err := o.Validate(); err != nil {
		return Options{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return o, nil
}
