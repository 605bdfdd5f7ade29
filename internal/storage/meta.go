package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// FormatVersion is the on-disk layout version this build writes and the
// newest it reads. Raise it, with an upgrade path, whenever the key layout or
// an encoded value changes.
const FormatVersion = 1

// metaKey holds the store's meta data: format version and partition count.
// It sits in the meta keyspace, before every partitioned key.
var metaKey = []byte{byte(spaceMeta), 'f', 'o', 'r', 'm', 'a', 't'}

// metaMagic opens the meta value, so a foreign Pebble database whose keys
// happen to collide is not mistaken for a store.
const metaMagic = "fifo-store"

// metaLen is the length of a version-1 meta value: magic, uint16 version,
// uint16 partitions.
const metaLen = len(metaMagic) + 2 + 2

// meta is the decoded meta value.
type meta struct {
	version    int
	partitions int
}

// encodeMeta encodes m as: magic, big-endian uint16 version, big-endian
// uint16 partition count.
func encodeMeta(m meta) []byte {
	b := make([]byte, 0, metaLen)
	b = append(b, metaMagic...)
	b = binary.BigEndian.AppendUint16(b, uint16(m.version))
	return binary.BigEndian.AppendUint16(b, uint16(m.partitions))
}

// decodeMeta parses a meta value. A version newer than FormatVersion is
// reported as ErrUnsupportedVersion before the rest is checked (a newer
// format may lay the value out differently); anything else malformed is
// ErrCorrupt.
func decodeMeta(b []byte) (meta, error) {
	if len(b) < metaLen || !bytes.Equal(b[:len(metaMagic)], []byte(metaMagic)) {
		return meta{}, fmt.Errorf("%w: meta value of %d bytes lacks the %q magic", ErrCorrupt, len(b), metaMagic)
	}
	m := meta{
		version:    int(binary.BigEndian.Uint16(b[len(metaMagic):])),
		partitions: int(binary.BigEndian.Uint16(b[len(metaMagic)+2:])),
	}
	switch {
	case m.version > FormatVersion:
		return meta{}, fmt.Errorf("%w: store format %d, this build reads up to %d",
			ErrUnsupportedVersion, m.version, FormatVersion)
	case m.version < 1:
		return meta{}, fmt.Errorf("%w: meta format version %d", ErrCorrupt, m.version)
	case len(b) != metaLen:
		return meta{}, fmt.Errorf("%w: meta value is %d bytes, want %d", ErrCorrupt, len(b), metaLen)
	case m.partitions < 1 || m.partitions > MaxPartitions:
		return meta{}, fmt.Errorf("%w: meta partition count %d out of range 1..%d",
			ErrCorrupt, m.partitions, MaxPartitions)
	}
	return m, nil
}
