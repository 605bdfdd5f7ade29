package crdt

import (
	"testing"

	"pgregory.net/rapid"
)

// TestAbsorbs checks Absorbs against Merge, and Includes against
// CausalContext.Merge, on random pairs of states and deltas.
func TestAbsorbs(t *testing.T) {
	s := ormapSubject()
	rapid.Check(t, func(t *rapid.T) {
		h := runHistory(t, s, "h")
		pool := h.pool
		for _, ds := range h.deltas {
			pool = append(pool, ds...)
		}
		for range 10 {
			a, b := pick(t, pool, "a"), pick(t, pool, "b")
			if rapid.IntRange(0, 3).Draw(t, "dominated") == 0 {
				a = a.Clone()
				a.Merge(b) // a ⊒ b
			}
			merged := a.Clone()
			merged.Merge(b)
			if got, want := a.Absorbs(b), merged.Equal(a); got != want {
				t.Fatalf("Absorbs = %v, merge leaves the state unchanged = %v", got, want)
			}
			cc := a.cc.Clone()
			cc.Merge(b.cc)
			if got, want := a.cc.Includes(b.cc), cc.Equal(a.cc); got != want {
				t.Fatalf("Includes = %v, merge leaves the context unchanged = %v", got, want)
			}
		}
	})
	x := SampleMap()
	y := x.Clone()
	if n := testing.AllocsPerRun(100, func() { x.Absorbs(y) }); n != 0 {
		t.Errorf("Absorbs allocates %v times", n)
	}
}
