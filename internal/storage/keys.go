package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// keyspace is the first byte of every key. It separates records, the
// unique-name index, the quarantine and the store's own meta data, so each
// can be scanned (and, per partition, handed off) as one contiguous range.
type keyspace byte

const (
	spaceMeta       keyspace = 0x00 // store meta data: tag, then a name
	spaceRecord     keyspace = 0x01 // records: tag, partition, bucket, 0x00, id
	spaceIndex      keyspace = 0x02 // unique names: tag, partition, bucket, 0x00, name
	spaceQuarantine keyspace = 0x03 // quarantined records: tag, partition, bucket, 0x00, id
)

// String names the keyspace for errors and logs.
func (s keyspace) String() string {
	switch s {
	case spaceMeta:
		return "meta"
	case spaceRecord:
		return "record"
	case spaceIndex:
		return "index"
	case spaceQuarantine:
		return "quarantine"
	}
	return fmt.Sprintf("keyspace(0x%02x)", byte(s))
}

// Limits on key components, in bytes.
const (
	// MaxBucketLen is the longest bucket name accepted.
	MaxBucketLen = 128
	// MaxIDLen is the longest record id or unique name accepted.
	MaxIDLen = 1024
)

// separator ends the bucket inside a key. Buckets, ids and names must not
// contain it.
const separator = 0x00

// headerLen is the length of the tag and the big-endian uint16 partition.
const headerLen = 3

// key is a decoded partitioned key (records, index, quarantine).
type key struct {
	space     keyspace
	partition uint16
	bucket    string
	id        string // record id, or the unique name for spaceIndex
}

// validateBucket checks a bucket name: non-empty, at most MaxBucketLen
// bytes, no 0x00.
func validateBucket(bucket string) error {
	switch {
	case bucket == "":
		return fmt.Errorf("%w: empty bucket", ErrInvalidKey)
	case len(bucket) > MaxBucketLen:
		return fmt.Errorf("%w: bucket is %d bytes, limit %d", ErrInvalidKey, len(bucket), MaxBucketLen)
	case strings.IndexByte(bucket, separator) >= 0:
		return fmt.Errorf("%w: bucket contains 0x00", ErrInvalidKey)
	}
	return nil
}

// validateID checks a record id or unique name (what names it in errors):
// non-empty, at most MaxIDLen bytes, no 0x00.
func validateID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty %s", ErrInvalidKey, what)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: %s is %d bytes, limit %d", ErrInvalidKey, what, len(id), MaxIDLen)
	case strings.IndexByte(id, separator) >= 0:
		return fmt.Errorf("%w: %s contains 0x00", ErrInvalidKey, what)
	}
	return nil
}

// appendPartitionPrefix appends the tag and partition: the prefix shared by
// every key of one partition in one keyspace.
func appendPartitionPrefix(dst []byte, space keyspace, p uint16) []byte {
	dst = append(dst, byte(space))
	return binary.BigEndian.AppendUint16(dst, p)
}

// appendBucketPrefix appends the tag, partition, bucket and separator: the
// prefix shared by every key of one bucket of one partition. The trailing
// separator keeps bucket "vm" from matching keys of bucket "vms".
func appendBucketPrefix(dst []byte, space keyspace, p uint16, bucket string) []byte {
	dst = appendPartitionPrefix(dst, space, p)
	dst = append(dst, bucket...)
	return append(dst, separator)
}

// appendKey appends a full partitioned key. Components must be valid.
func appendKey(dst []byte, space keyspace, p uint16, bucket, id string) []byte {
	dst = appendBucketPrefix(dst, space, p, bucket)
	return append(dst, id...)
}

// keyspacePrefix returns the one-byte prefix of a whole keyspace.
func keyspacePrefix(space keyspace) []byte {
	return []byte{byte(space)}
}

// prefixEnd returns the smallest key greater than every key starting with
// prefix (an exclusive upper bound for a prefix scan), or nil if there is
// none (prefix is all 0xff).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// decodeKey parses a partitioned key. It rejects meta keys, unknown tags, and
// keys whose bucket or id would not pass validation, so that
// appendKey(decodeKey(k)) == k for every k it accepts.
func decodeKey(k []byte) (key, error) {
	if len(k) < headerLen {
		return key{}, fmt.Errorf("%w: key of %d bytes is shorter than its header", ErrCorrupt, len(k))
	}
	space := keyspace(k[0])
	switch space {
	case spaceRecord, spaceIndex, spaceQuarantine:
	default:
		return key{}, fmt.Errorf("%w: key has %v tag, not a partitioned keyspace", ErrCorrupt, space)
	}
	rest := k[headerLen:]
	sep := bytes.IndexByte(rest, separator)
	if sep < 0 {
		return key{}, fmt.Errorf("%w: %v key has no bucket separator", ErrCorrupt, space)
	}
	dk := key{
		space:     space,
		partition: binary.BigEndian.Uint16(k[1:headerLen]),
		bucket:    string(rest[:sep]),
		id:        string(rest[sep+1:]),
	}
	if err := validateBucket(dk.bucket); err != nil {
		return key{}, fmt.Errorf("%w: %v key: %w", ErrCorrupt, space, err)
	}
	if err := validateID("id", dk.id); err != nil {
		return key{}, fmt.Errorf("%w: %v key: %w", ErrCorrupt, space, err)
	}
	return dk, nil
}
