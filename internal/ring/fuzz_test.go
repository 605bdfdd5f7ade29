package ring

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzUnmarshal: Unmarshal never panics, refuses with ErrCorrupt, and
// whatever it accepts is a ring that re-encodes to a canonical form that
// decodes to the same ring, merges with itself as a no-op and answers
// every query.
func FuzzUnmarshal(f *testing.F) {
	r := mustNew(f, 8, "a@h")
	for _, n := range []string{"b@h", "c@h"} {
		if err := r.Join(n); err != nil {
			f.Fatal(err)
		}
	}
	r.Rebalance(3)
	seed, err := Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{})
	f.Add([]byte{0x85, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Unmarshal(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		canon, err := Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal(canon)
		if err != nil || !back.Equal(r) {
			t.Fatalf("canonical form does not round-trip: %v", err)
		}
		if again, _ := Marshal(back); !bytes.Equal(again, canon) {
			t.Fatal("canonical form is not stable")
		}
		if changed, err := back.Merge(r); err != nil || changed {
			t.Fatalf("self merge: changed %v, %v", changed, err)
		}
		for p := range r.Partitions() {
			r.Preflist(p, 3)
			r.SloppyPreflist(p, 3, func(string) bool { return true })
		}
		r.Rebalance(3)
		checkInvariants(t, r)
	})
}
