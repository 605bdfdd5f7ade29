package storage

import (
	"bytes"
	"errors"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	for _, m := range []meta{{1, 1}, {1, 64}, {1, MaxPartitions}} {
		b := encodeMeta(m)
		if len(b) != metaLen {
			t.Fatalf("encodeMeta length %d, want %d", len(b), metaLen)
		}
		got, err := decodeMeta(b)
		if err != nil || got != m {
			t.Fatalf("decodeMeta(encodeMeta(%+v)) = %+v, %v", m, got, err)
		}
	}
	want := append([]byte("fifo-store"), 0x00, 0x01, 0x00, 0x40)
	if got := encodeMeta(meta{1, 64}); !bytes.Equal(got, want) {
		t.Fatalf("encodeMeta = %x, want %x (the on-disk format changed)", got, want)
	}
}

func TestDecodeMetaRejects(t *testing.T) {
	good := encodeMeta(meta{1, 64})
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrCorrupt},
		{"bad magic", append([]byte("fifo-stoRE"), good[10:]...), ErrCorrupt},
		{"short", good[:metaLen-1], ErrCorrupt},
		{"long", append(bytes.Clone(good), 0), ErrCorrupt},
		{"version 0", append([]byte("fifo-store"), 0, 0, 0, 64), ErrCorrupt},
		{"version 2", append([]byte("fifo-store"), 0, 2, 0, 64), ErrUnsupportedVersion},
		{"version 2 longer", append([]byte("fifo-store"), 0, 2, 0, 64, 9, 9), ErrUnsupportedVersion},
		{"zero partitions", append([]byte("fifo-store"), 0, 1, 0, 0), ErrCorrupt},
		{"too many partitions", append([]byte("fifo-store"), 0, 1, 0x10, 0x01), ErrCorrupt},
	}
	for _, c := range cases {
		if _, err := decodeMeta(c.b); !errors.Is(err, c.want) {
			t.Errorf("%s: decodeMeta = %v, want %v", c.name, err, c.want)
		}
	}
}
