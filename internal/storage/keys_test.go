package storage

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestKeyRoundTrip(t *testing.T) {
	cases := []key{
		{spaceRecord, 0, "vm", "a"},
		{spaceRecord, 63, "vm", "b1e6f2a4-3c1d-4c55-9d7e-0b8f6a2e1c11"},
		{spaceIndex, 4095, "users", "admin"},
		{spaceQuarantine, 1, "vms", "\xff\x01binary"},
		{spaceRecord, 65535, strings.Repeat("b", MaxBucketLen), strings.Repeat("i", MaxIDLen)},
	}
	for _, c := range cases {
		k := appendKey(nil, c.space, c.partition, c.bucket, c.id)
		got, err := decodeKey(k)
		if err != nil {
			t.Errorf("decodeKey(%q): %v", k, err)
			continue
		}
		if got != c {
			t.Errorf("round trip: got %+v, want %+v", got, c)
		}
	}
}

func TestKeyEncodingBytes(t *testing.T) {
	got := appendKey(nil, spaceRecord, 0x0102, "vm", "x")
	want := []byte{0x01, 0x01, 0x02, 'v', 'm', 0x00, 'x'}
	if !bytes.Equal(got, want) {
		t.Fatalf("appendKey = %x, want %x", got, want)
	}
}

func TestDecodeKeyRejects(t *testing.T) {
	cases := map[string][]byte{
		"empty":          nil,
		"short":          {0x01, 0x00},
		"meta tag":       append([]byte{0x00, 0x00, 0x00}, "vm\x00x"...),
		"unknown tag":    append([]byte{0x09, 0x00, 0x00}, "vm\x00x"...),
		"no separator":   append([]byte{0x01, 0x00, 0x00}, "vm"...),
		"empty bucket":   append([]byte{0x01, 0x00, 0x00}, "\x00x"...),
		"empty id":       append([]byte{0x01, 0x00, 0x00}, "vm\x00"...),
		"0x00 in id":     append([]byte{0x01, 0x00, 0x00}, "vm\x00x\x00y"...),
		"long bucket":    append(append([]byte{0x01, 0x00, 0x00}, strings.Repeat("b", MaxBucketLen+1)...), "\x00x"...),
		"long id":        append([]byte{0x01, 0x00, 0x00, 'v', 0x00}, strings.Repeat("i", MaxIDLen+1)...),
		"header only":    {0x02, 0x00, 0x05},
		"separator only": {0x03, 0x00, 0x05, 0x00},
	}
	for name, k := range cases {
		if _, err := decodeKey(k); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: decodeKey(%q) error = %v, want ErrCorrupt", name, k, err)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, b := range []string{"", "a\x00b", strings.Repeat("x", MaxBucketLen+1)} {
		if err := validateBucket(b); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("validateBucket(%q) = %v, want ErrInvalidKey", b, err)
		}
	}
	for _, id := range []string{"", "\x00", "a\x00", strings.Repeat("x", MaxIDLen+1)} {
		if err := validateID("id", id); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("validateID(%q) = %v, want ErrInvalidKey", id, err)
		}
	}
	for _, ok := range []string{"a", "\xff", " ", strings.Repeat("x", MaxIDLen)} {
		if err := validateID("id", ok); err != nil {
			t.Errorf("validateID(%q) = %v", ok, err)
		}
	}
}

// Keys sort by keyspace, then partition, then bucket, then id; a partition's
// keys are contiguous and precede the next partition's.
func TestKeyOrdering(t *testing.T) {
	var keys [][]byte
	var want []key
	for _, space := range []keyspace{spaceRecord, spaceIndex, spaceQuarantine} {
		for _, p := range []uint16{0, 1, 2, 255, 256, 4095} {
			for _, b := range []string{"a", "vm", "vm\x01", "vms", "vn"} {
				for _, id := range []string{"\x01", "0", "a", "a\x01", "ab", "b", "\xff"} {
					want = append(want, key{space, p, b, id})
				}
			}
		}
	}
	for _, k := range want {
		keys = append(keys, appendKey(nil, k.space, k.partition, k.bucket, k.id))
	}
	// want was generated in the intended order; the bytes must agree.
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, bytes.Compare)
	for i := range keys {
		if !bytes.Equal(keys[i], sorted[i]) {
			got, _ := decodeKey(sorted[i])
			t.Fatalf("position %d: byte order gives %+v, want %+v", i, got, want[i])
		}
	}
}

// A bucket prefix range holds exactly the keys of that bucket, even when
// another bucket extends its name.
func TestBucketPrefixIsolation(t *testing.T) {
	cases := []struct {
		bucket string
		others []string
	}{
		{"vm", []string{"vms", "vm\x01", "v", "vma", "vl", "vn"}},
		{"user", []string{"users", "use", "user_index"}},
	}
	for _, c := range cases {
		prefix := appendBucketPrefix(nil, spaceRecord, 7, c.bucket)
		lo, hi := prefix, prefixEnd(prefix)
		in := func(k []byte) bool { return bytes.Compare(k, lo) >= 0 && bytes.Compare(k, hi) < 0 }
		for _, id := range []string{"\x01", "a", "\xff\xff\xff"} {
			if k := appendKey(nil, spaceRecord, 7, c.bucket, id); !in(k) {
				t.Errorf("key %q of bucket %q is outside its prefix range", k, c.bucket)
			}
			for _, o := range c.others {
				if k := appendKey(nil, spaceRecord, 7, o, id); in(k) {
					t.Errorf("key %q of bucket %q leaks into the range of %q", k, o, c.bucket)
				}
			}
			for _, p := range []uint16{6, 8} {
				if k := appendKey(nil, spaceRecord, p, c.bucket, id); in(k) {
					t.Errorf("key of partition %d leaks into partition 7's range", p)
				}
			}
			if k := appendKey(nil, spaceIndex, 7, c.bucket, id); in(k) {
				t.Errorf("index key leaks into the record range")
			}
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct{ in, want []byte }{
		{[]byte{0x01}, []byte{0x02}},
		{[]byte{0x01, 0x00, 0x3f}, []byte{0x01, 0x00, 0x40}},
		{[]byte{0x01, 0x00, 0xff}, []byte{0x01, 0x01}},
		{[]byte{0x01, 'v', 'm', 0x00}, []byte{0x01, 'v', 'm', 0x01}},
		{[]byte{0xff, 0xff}, nil},
	}
	for _, c := range cases {
		in := bytes.Clone(c.in)
		if got := prefixEnd(in); !bytes.Equal(got, c.want) {
			t.Errorf("prefixEnd(%x) = %x, want %x", c.in, got, c.want)
		}
		if !bytes.Equal(in, c.in) {
			t.Errorf("prefixEnd modified its input")
		}
	}
}
