package storage

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// FuzzDecodeKey: any bytes decode without panicking; what decodes
// re-encodes to the same bytes.
func FuzzDecodeKey(f *testing.F) {
	f.Add(appendKey(nil, spaceRecord, 3, "vm", "b1e6f2a4"))
	f.Add(appendKey(nil, spaceIndex, 4095, "users", "admin"))
	f.Add(appendKey(nil, spaceQuarantine, 0, "v", "\xff"))
	f.Add(metaKey)
	f.Add([]byte{0x01, 0x00})
	f.Add([]byte{0x01, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, k []byte) {
		dk, err := decodeKey(k)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decodeKey error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if re := appendKey(nil, dk.space, dk.partition, dk.bucket, dk.id); !bytes.Equal(re, k) {
			t.Fatalf("round trip: %x -> %+v -> %x", k, dk, re)
		}
		if validateBucket(dk.bucket) != nil || validateID("id", dk.id) != nil {
			t.Fatalf("decodeKey accepted invalid components %+v", dk)
		}
	})
}

// FuzzKeyComponents: valid components encode to a key that decodes back to
// them and stays inside its bucket and partition ranges.
func FuzzKeyComponents(f *testing.F) {
	f.Add(byte(1), uint16(0), "vm", "a")
	f.Add(byte(2), uint16(65535), "users", "\xff\xfe")
	f.Fuzz(func(t *testing.T, space byte, p uint16, bucket, id string) {
		sp := keyspace(1 + space%3)
		if validateBucket(bucket) != nil || validateID("id", id) != nil {
			return
		}
		k := appendKey(nil, sp, p, bucket, id)
		dk, err := decodeKey(k)
		if err != nil {
			t.Fatalf("decodeKey(appendKey(%v, %d, %q, %q)): %v", sp, p, bucket, id, err)
		}
		if dk != (key{sp, p, bucket, id}) {
			t.Fatalf("round trip gave %+v", dk)
		}
		for _, prefix := range [][]byte{appendBucketPrefix(nil, sp, p, bucket), appendPartitionPrefix(nil, sp, p)} {
			end := prefixEnd(prefix)
			if !bytes.HasPrefix(k, prefix) || (end != nil && bytes.Compare(k, end) >= 0) {
				t.Fatalf("key %x outside range [%x, %x)", k, prefix, end)
			}
		}
	})
}

// FuzzDecodeMeta: no panics; accepted values re-encode identically.
func FuzzDecodeMeta(f *testing.F) {
	f.Add(encodeMeta(meta{1, 64}))
	f.Add([]byte("fifo-store\x00\x02\x00\x40"))
	f.Add([]byte("fifo-store"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMeta(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedVersion) {
				t.Fatalf("decodeMeta error %v is neither ErrCorrupt nor ErrUnsupportedVersion", err)
			}
			return
		}
		if re := encodeMeta(m); !bytes.Equal(re, b) {
			t.Fatalf("round trip: %x -> %+v -> %x", b, m, re)
		}
	})
}

// FuzzDecodeQuarantine: no panics; accepted values re-encode identically.
func FuzzDecodeQuarantine(f *testing.F) {
	f.Add(encodeQuarantine(nil, quarantineValue{at: time.Unix(1, 2), reason: "cbor: EOF", raw: []byte{0xa1}}))
	f.Add(encodeQuarantine(nil, quarantineValue{at: time.Unix(maxQuarantineSec, 999999999)}))
	f.Add([]byte{1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decodeQuarantine(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decodeQuarantine error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if re := encodeQuarantine(nil, v); !bytes.Equal(re, b) {
			t.Fatalf("round trip: %x -> %+v -> %x", b, v, re)
		}
	})
}
