package hashtree

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzUnmarshalLevel: the level decoder never panics, refuses with
// ErrCorrupt, and what it accepts re-encodes to bytes that decode to the
// same level and that a tree of its shape can Compare (and Expand, above
// the segments).
func FuzzUnmarshalLevel(f *testing.F) {
	tr, _ := New(Options{Segments: 64, Fanout: 4})
	tr.Put("a", DigestOf([]byte("x")))
	top, _ := MarshalLevel(tr.Top())
	f.Add(top)
	l1, _ := tr.Expand(0, []int{0})
	mid, _ := MarshalLevel(l1)
	f.Add(mid)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := UnmarshalLevel(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		b, err := MarshalLevel(l)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalLevel(b)
		if err != nil {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
		if again, _ := MarshalLevel(back); !bytes.Equal(again, b) {
			t.Fatal("re-encoding is not stable")
		}
		other, err := New(l.Shape)
		if err != nil {
			t.Fatalf("decoded shape %+v is invalid: %v", l.Shape, err)
		}
		diff, err := other.Compare(l)
		if err != nil {
			t.Fatalf("a tree of the shape refuses the level: %v", err)
		}
		if l.Depth < other.Depth()-1 && len(diff) <= 64 {
			if _, err := other.Expand(l.Depth, diff); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzUnmarshalSegment: the segment decoder never panics, refuses with
// ErrCorrupt, and what it accepts re-encodes stably and diffs against a
// tree of its shape.
func FuzzUnmarshalSegment(f *testing.F) {
	tr, _ := New(Options{Segments: 4, Fanout: 2})
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		tr.Put(k, DigestOf([]byte(k)))
	}
	for s := range 4 {
		seg, _ := tr.Segment(s)
		b, _ := MarshalSegment(seg)
		f.Add(b)
	}
	f.Add([]byte{0x85})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := UnmarshalSegment(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		b, err := MarshalSegment(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalSegment(b)
		if err != nil {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
		if again, _ := MarshalSegment(back); !bytes.Equal(again, b) {
			t.Fatal("re-encoding is not stable")
		}
		other, err := New(s.Shape)
		if err != nil {
			t.Fatal(err)
		}
		diff, err := other.DiffSegment(s)
		if err != nil || len(diff) != len(s.Keys) {
			t.Fatalf("an empty tree diffs to %d keys of %d: %v", len(diff), len(s.Keys), err)
		}
	})
}
