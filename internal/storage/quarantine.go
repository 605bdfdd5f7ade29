package storage

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// MaxReasonLen is the longest quarantine reason kept, in bytes; longer
// reasons are cut to it.
const MaxReasonLen = 4096

// quarantineVersion opens every encoded quarantine value.
const quarantineVersion = 1

// quarantineFixedLen is the version byte, int64 seconds and uint32 nanos.
const quarantineFixedLen = 1 + 8 + 4

// QuarantineEntry describes one quarantined record: a record that failed to
// decode, moved out of the records keyspace so the node keeps serving
// (DESIGN.md §5). Its raw bytes are kept, see DB.GetQuarantined.
type QuarantineEntry struct {
	// Partition, Bucket and ID name the record that was quarantined.
	Partition int
	Bucket    string
	ID        string
	// Reason is why it was quarantined, typically the decode error.
	Reason string
	// At is when it was quarantined, as given by the caller, in UTC.
	At time.Time
	// Size is the length of the raw bytes kept.
	Size int
}

// The range of quarantine times, in Unix seconds: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z. Wider times do not round-trip through time.Unix.
const (
	minQuarantineSec = -62135596800
	maxQuarantineSec = 253402300799
)

// checkQuarantineTime reports whether at can be stored.
func checkQuarantineTime(at time.Time) error {
	if s := at.Unix(); s < minQuarantineSec || s > maxQuarantineSec {
		return fmt.Errorf("storage: quarantine time %v outside years 1..9999", at)
	}
	return nil
}

// quarantineValue is a decoded quarantine value.
type quarantineValue struct {
	at     time.Time
	reason string
	raw    []byte
}

// clipReason cuts reason to MaxReasonLen bytes without splitting a UTF-8
// sequence.
func clipReason(reason string) string {
	if len(reason) <= MaxReasonLen {
		return reason
	}
	return strings.ToValidUTF8(reason[:MaxReasonLen], "")
}

// encodeQuarantine appends the quarantine value: version byte, big-endian
// int64 Unix seconds, big-endian uint32 nanoseconds, uvarint reason length,
// reason, then the raw bytes up to the end.
func encodeQuarantine(dst []byte, v quarantineValue) []byte {
	dst = append(dst, quarantineVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(v.at.Unix()))
	dst = binary.BigEndian.AppendUint32(dst, uint32(v.at.Nanosecond()))
	dst = binary.AppendUvarint(dst, uint64(len(v.reason)))
	dst = append(dst, v.reason...)
	return append(dst, v.raw...)
}

// decodeQuarantine parses a quarantine value. raw aliases b. Every value it
// accepts re-encodes to the same bytes (non-minimal varints are rejected).
func decodeQuarantine(b []byte) (quarantineValue, error) {
	if len(b) < quarantineFixedLen {
		return quarantineValue{}, fmt.Errorf("%w: quarantine value of %d bytes", ErrCorrupt, len(b))
	}
	if b[0] != quarantineVersion {
		return quarantineValue{}, fmt.Errorf("%w: quarantine value version %d", ErrCorrupt, b[0])
	}
	sec := int64(binary.BigEndian.Uint64(b[1:9]))
	nsec := binary.BigEndian.Uint32(b[9:13])
	if nsec >= uint32(time.Second) || sec < minQuarantineSec || sec > maxQuarantineSec {
		return quarantineValue{}, fmt.Errorf("%w: quarantine time %d.%09d out of range", ErrCorrupt, sec, nsec)
	}
	rest := b[quarantineFixedLen:]
	n, w := binary.Uvarint(rest)
	if w <= 0 || w != varintLen(n) {
		return quarantineValue{}, fmt.Errorf("%w: quarantine reason length is not a minimal uvarint", ErrCorrupt)
	}
	rest = rest[w:]
	if n > uint64(len(rest)) || n > MaxReasonLen {
		return quarantineValue{}, fmt.Errorf("%w: quarantine reason of %d bytes with %d left", ErrCorrupt, n, len(rest))
	}
	return quarantineValue{
		at:     time.Unix(sec, int64(nsec)).UTC(),
		reason: string(rest[:n]),
		raw:    rest[n:],
	}, nil
}

// varintLen is the length of the minimal uvarint encoding of n.
func varintLen(n uint64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], n)
}

// decodeQuarantineEntry decodes a quarantine key and value into an entry
// and the raw bytes (aliasing v).
func decodeQuarantineEntry(k, v []byte) (QuarantineEntry, []byte, error) {
	dk, err := decodeKey(k)
	if err != nil {
		return QuarantineEntry{}, nil, err
	}
	if dk.space != spaceQuarantine {
		return QuarantineEntry{}, nil, fmt.Errorf("%w: %v key in the quarantine keyspace", ErrCorrupt, dk.space)
	}
	qv, err := decodeQuarantine(v)
	if err != nil {
		return QuarantineEntry{}, nil, err
	}
	return QuarantineEntry{
		Partition: int(dk.partition),
		Bucket:    dk.bucket,
		ID:        dk.id,
		Reason:    qv.reason,
		At:        qv.at,
		Size:      len(qv.raw),
	}, qv.raw, nil
}

// Quarantined lists every quarantined record, ordered by partition, bucket
// and id. It reads the whole quarantine keyspace, which is expected to stay
// small; raw bytes are not loaded into the entries (see GetQuarantined).
func (db *DB) Quarantined() ([]QuarantineEntry, error) {
	var out []QuarantineEntry
	err := db.iterate(keyspacePrefix(spaceQuarantine), func(k, v []byte) error {
		e, _, err := decodeQuarantineEntry(k, v)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: list quarantine: %w", err)
	}
	return out, nil
}

// QuarantinedCount counts the quarantined records. Like Quarantined it
// walks the quarantine keyspace; it is meant for a gauge refreshed now and
// then, not for every request.
func (db *DB) QuarantinedCount() (int, error) {
	n := 0
	err := db.iterateKeys(keyspacePrefix(spaceQuarantine), func([]byte) error {
		n++
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: count quarantine: %w", err)
	}
	return n, nil
}

// GetQuarantined returns the entry and a copy of the raw bytes of the
// quarantined record (bucket, id) of partition p, or an error wrapping
// ErrNotFound.
func (db *DB) GetQuarantined(p int, bucket, id string) (QuarantineEntry, []byte, error) {
	k, err := db.makeKey(nil, spaceQuarantine, p, bucket, "id", id)
	if err == nil {
		var v []byte
		if v, err = db.get(k); err == nil {
			var e QuarantineEntry
			var raw []byte
			if e, raw, err = decodeQuarantineEntry(k, v); err == nil {
				return e, raw, nil // v is our copy, so raw may alias it
			}
		}
	}
	return QuarantineEntry{}, nil, fmt.Errorf("storage: get quarantined %d/%q/%q: %w", p, bucket, id, err)
}
