package crdt

import (
	"slices"
	"testing"
)

// replicate returns n independent copies of s.
func replicate(s *ORSet, n int) []*ORSet {
	out := make([]*ORSet, n)
	for i := range out {
		out[i] = s.Clone()
	}
	return out
}

func TestORSetSemantics(t *testing.T) {
	tests := []struct {
		name string
		run  func(a, b *ORSet) // a and b start as replicas of {x}
		want []string
	}{
		{"concurrent add and remove: add wins", func(a, b *ORSet) {
			a.Remove("x")
			b.Add("b", "x")
		}, []string{"x"}},
		{"observed remove removes", func(a, b *ORSet) {
			d := b.Remove("x")
			a.Merge(&d)
		}, nil},
		{"concurrent removes", func(a, b *ORSet) {
			a.Remove("x")
			b.Remove("x")
		}, nil},
		{"concurrent adds of different elements", func(a, b *ORSet) {
			a.Add("a", "y")
			b.Add("b", "z")
		}, []string{"x", "y", "z"}},
		{"remove then re-add", func(a, b *ORSet) {
			a.Remove("x")
			a.Add("a", "x")
			b.Remove("x")
		}, []string{"x"}},
		{"remove of an element never seen", func(a, b *ORSet) {
			a.Remove("nope")
		}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base ORSet
			base.Add("o", "x")
			r := replicate(&base, 2)
			tt.run(r[0], r[1])
			ab, ba := r[0].Clone(), r[1].Clone()
			ab.Merge(r[1])
			ba.Merge(r[0])
			if !ab.Equal(ba) {
				t.Fatal("replicas diverge after exchanging states")
			}
			if got := ab.Elements(); !slices.Equal(got, tt.want) {
				t.Fatalf("elements = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestORSetDeltas(t *testing.T) {
	var a, b ORSet
	d1 := a.Add("a", "x")
	d2 := a.Add("a", "y")
	d3 := a.Remove("x")
	// Deliver out of order and twice.
	for _, d := range []ORSet{d3, d1, d2, d1} {
		b.Merge(&d)
	}
	if !a.Equal(&b) {
		t.Fatalf("b = %q, want %q", b.Elements(), a.Elements())
	}
	if b.Contains("x") || !b.Contains("y") || b.Len() != 1 {
		t.Fatalf("b = %q, want [y]", b.Elements())
	}
	// The delta of a remove holds only context.
	if len(d3.elems) != 0 || !d3.cc.Contains(Dot{"a", 1}) {
		t.Fatalf("remove delta = %+v", d3)
	}
}
