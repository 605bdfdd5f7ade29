package crdt

import "testing"

func TestPNCounter(t *testing.T) {
	var a, b PNCounter
	a.Inc("a", 5)
	a.Dec("a", 2)
	b.Inc("b", 10)
	d := b.Dec("b", 1)
	if a.Value() != 3 || b.Value() != 9 {
		t.Fatalf("values %d, %d, want 3, 9", a.Value(), b.Value())
	}
	c := a.Clone()
	c.Merge(&b)
	b.Merge(&a)
	if !c.Equal(&b) || c.Value() != 12 {
		t.Fatalf("merged value %d (equal %v), want 12", c.Value(), c.Equal(&b))
	}
	// An old delta changes nothing: per actor the later totals win.
	c.Merge(&d)
	if c.Value() != 12 {
		t.Fatalf("after re-merging an old delta: %d", c.Value())
	}
	var neg PNCounter
	neg.Dec("x", 7)
	if neg.Value() != -7 {
		t.Fatalf("Value = %d, want -7", neg.Value())
	}
}

func TestPNCounterKeepsOneDotPerActor(t *testing.T) {
	var c PNCounter
	for range 50 {
		c.Inc("a", 1)
		c.Inc("b", 2)
	}
	if len(c.dots) != 2 || c.Value() != 150 {
		t.Fatalf("%d dots, value %d; want 2 dots, 150", len(c.dots), c.Value())
	}
}
