package record

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/fifogo/fifo/internal/crdt"
)

// history is a record written by a few actors, with snapshots of it taken
// along the way: the states of replicas that missed the later writes.
type history struct {
	full   *Record
	stale  [][]byte
	clock  int64
	actors []string
}

func (h *history) write(t *rapid.T, label string) {
	actor := rapid.SampledFrom(h.actors).Draw(t, label+"_actor")
	key := rapid.SampledFrom([]string{"alias", "state", "owner", "tags"}).Draw(t, label+"_key")
	h.clock++
	ts := crdt.Timestamp{Wall: h.clock, Node: actor}
	switch rapid.IntRange(0, 2).Draw(t, label+"_op") {
	case 0:
		h.full.Fields.SetLWW(actor, key, ts, []byte(fmt.Sprint(h.clock)))
	case 1:
		h.full.Fields.UpdateSet(key+"_set", func(s *crdt.ORSet) crdt.ORSet {
			return s.Add(actor, fmt.Sprint(h.clock))
		})
	default:
		h.full.Fields.Remove(key)
	}
}

func newHistory(t *rapid.T) *history {
	h := &history{full: New("vm"), actors: []string{"a", "b", "c"}}
	for i := range rapid.IntRange(1, 12).Draw(t, "writes") {
		h.write(t, fmt.Sprint("w", i))
		if rapid.Bool().Draw(t, fmt.Sprint("snap", i)) {
			b, err := Marshal(h.full)
			if err != nil {
				t.Fatal(err)
			}
			h.stale = append(h.stale, b)
		}
	}
	return h
}

// mergeAll merges states in the order perm gives.
func mergeAll(t *rapid.T, states [][]byte, perm []int) []byte {
	var out []byte
	for _, i := range perm {
		var err error
		if out, err = MergeBytes(out, states[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTombstoneNotResurrected: replicas that missed the delete (holding
// any earlier state of the record), merged with the tombstone in any
// order, stay deleted, and every order gives the same bytes. A write made
// after the delete (on the merged state) brings the record back, and so
// does a write the delete did not observe (add-wins).
func TestTombstoneNotResurrected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := newHistory(t)
		full, err := Marshal(h.full)
		if err != nil {
			t.Fatal(err)
		}
		tomb, err := Tombstone(full)
		if err != nil {
			t.Fatal(err)
		}
		if !IsTombstone(tomb) {
			t.Fatalf("Tombstone(%x) = %x is not a tombstone", full, tomb)
		}
		states := append([][]byte{tomb, full}, h.stale...)
		first := mergeAll(t, states, rapid.Permutation(indexes(len(states))).Draw(t, "order1"))
		second := mergeAll(t, states, rapid.Permutation(indexes(len(states))).Draw(t, "order2"))
		if !IsTombstone(first) {
			t.Fatalf("deleted record resurrected: %x", first)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("merge order changes the bytes: %x vs %x", first, second)
		}
		// Only stale replicas and the tombstone, without the full state.
		if got := mergeAll(t, append([][]byte{tomb}, h.stale...), indexes(len(h.stale)+1)); !IsTombstone(got) {
			t.Fatalf("a stale replica resurrected the record: %x", got)
		}

		// A later write, made on the deleted state.
		deleted, err := Load(first)
		if err != nil {
			t.Fatal(err)
		}
		later := deleted.delta(deleted.Fields.SetLWW("a", "alias", crdt.Timestamp{Wall: h.clock + 1, Node: "a"}, []byte("again")))
		lb, err := Marshal(later)
		if err != nil {
			t.Fatal(err)
		}
		again := mergeAll(t, append(states, lb), rapid.Permutation(indexes(len(states)+1)).Draw(t, "order3"))
		if IsTombstone(again) {
			t.Fatal("a write after the delete was lost")
		}
		// A write concurrent with the delete (not observed by it).
		concurrent := h.full.delta(h.full.Fields.SetLWW("b", "owner", crdt.Timestamp{Wall: h.clock + 2, Node: "b"}, []byte("x")))
		cb, err := Marshal(concurrent)
		if err != nil {
			t.Fatal(err)
		}
		kept, err := Load(mergeAll(t, append(states, cb), rapid.Permutation(indexes(len(states)+1)).Draw(t, "order4")))
		if err != nil {
			t.Fatal(err)
		}
		if keys := kept.Fields.Keys(); len(keys) != 1 || keys[0] != "owner" {
			t.Fatalf("after a concurrent write: fields %v, want [owner]", keys)
		}
	})
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestIsTombstone(t *testing.T) {
	live := New("vm")
	live.Fields.SetLWW("a", "alias", crdt.Timestamp{Wall: 1, Node: "a"}, []byte{emptyMap})
	for _, c := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"empty record", mustMarshal(t, New("vm")), true},
		{"live record", mustMarshal(t, live), false},
		{"nil", nil, false},
		{"garbage ending like a map", []byte{0x01, emptyMap}, false},
	} {
		if got := IsTombstone(c.b); got != c.want {
			t.Errorf("%s: IsTombstone(%x) = %v, want %v", c.name, c.b, got, c.want)
		}
	}
	if _, err := Tombstone([]byte{0xff}); err == nil {
		t.Error("Tombstone of garbage: no error")
	}
}
