package crdt

import (
	"errors"
	"testing"
)

func TestCausalContextCompacts(t *testing.T) {
	c := &CausalContext{}
	for _, s := range []uint64{3, 5, 1} {
		c.Add(Dot{"a", s})
	}
	if c.Max("a") != 1 || !c.Contains(Dot{"a", 3}) || c.Contains(Dot{"a", 2}) || c.Contains(Dot{"a", 4}) {
		t.Fatalf("after adding 1,3,5: %+v", c.actors)
	}
	c.Add(Dot{"a", 2})
	if c.Max("a") != 3 || len(c.actors[0].cloud) != 1 {
		t.Fatalf("adding 2 did not fold 3 in: %+v", c.actors)
	}
	c.Add(Dot{"a", 4})
	if c.Max("a") != 5 || len(c.actors[0].cloud) != 0 {
		t.Fatalf("adding 4 did not fold 5 in: %+v", c.actors)
	}
	if got := c.Next("a"); got != (Dot{"a", 6}) {
		t.Fatalf("Next = %v", got)
	}
	c.Add(Dot{"b", 0})
	if len(c.actors) != 1 {
		t.Fatalf("seq 0 was recorded: %+v", c.actors)
	}
}

func TestCausalContextNextSkipsCloud(t *testing.T) {
	c := contextOf(Dot{"a", 1}, Dot{"a", 7})
	if got := c.Next("a"); got.Seq != 8 {
		t.Fatalf("Next = %v, want a:8", got)
	}
	if got := c.Next("new"); got.Seq != 1 {
		t.Fatalf("Next for a new actor = %v", got)
	}
}

func TestCausalContextMergeIsCanonical(t *testing.T) {
	x := contextOf(Dot{"a", 1}, Dot{"a", 3}, Dot{"b", 2})
	y := contextOf(Dot{"a", 2}, Dot{"b", 1}, Dot{"c", 4})
	x.Merge(y)
	want := contextOf(Dot{"a", 1}, Dot{"a", 2}, Dot{"a", 3}, Dot{"b", 1}, Dot{"b", 2}, Dot{"c", 4})
	if !x.Equal(want) {
		t.Fatalf("merge = %+v, want %+v", x.actors, want.actors)
	}
	if x.Max("a") != 3 || x.Max("b") != 2 || x.Max("c") != 0 {
		t.Fatalf("not compacted: %+v", x.actors)
	}
	// y must not share clouds with x.
	x.Add(Dot{"c", 9})
	if y.Contains(Dot{"c", 9}) {
		t.Fatal("Merge aliased the other context's storage")
	}
}

func TestCausalContextDecodeRejectsNonCanonical(t *testing.T) {
	tests := []struct {
		name string
		w    []wireCtxActor
	}{
		{"unsorted actors", []wireCtxActor{{Actor: "b", Max: 1}, {Actor: "a", Max: 1}}},
		{"duplicate actors", []wireCtxActor{{Actor: "a", Max: 1}, {Actor: "a", Max: 2}}},
		{"empty actor", []wireCtxActor{{Actor: "a"}}},
		{"cloud not compacted", []wireCtxActor{{Actor: "a", Max: 1, Cloud: []uint64{2}}}},
		{"cloud below max", []wireCtxActor{{Actor: "a", Max: 5, Cloud: []uint64{3}}}},
		{"cloud unsorted", []wireCtxActor{{Actor: "a", Cloud: []uint64{5, 3}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := structEnc.Marshal(tt.w)
			if err != nil {
				t.Fatal(err)
			}
			var c CausalContext
			if err := c.UnmarshalCBOR(b); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
		})
	}
}
