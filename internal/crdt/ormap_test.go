package crdt

import (
	"bytes"
	"slices"
	"testing"
)

func ts(wall int64, node string) Timestamp { return Timestamp{Wall: wall, Node: node} }

// str reads the register at key as a raw string ("" when absent).
func str(m *ORMap, key string) string {
	v, ok := m.GetKind(key, KindLWW)
	if !ok {
		return ""
	}
	return string(v.LWW.Value)
}

func counter(m *ORMap, key string) int64 {
	v, ok := m.GetKind(key, KindCounter)
	if !ok {
		return 0
	}
	return v.Counter.Value()
}

func inc(m *ORMap, actor, key string, n uint64) ORMap {
	return m.UpdateCounter(key, func(c *PNCounter) PNCounter { return c.Inc(actor, n) })
}

// converge merges the replicas both ways and fails unless they end equal,
// returning the result.
func converge(t *testing.T, a, b *ORMap) *ORMap {
	t.Helper()
	ab, ba := a.Clone(), b.Clone()
	ab.Merge(b)
	ba.Merge(a)
	if !ab.Equal(ba) {
		t.Fatal("replicas diverge after exchanging states")
	}
	x, err := ab.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	y, err := ba.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Fatal("equal states encode differently")
	}
	return ab
}

func TestORMapRegisters(t *testing.T) {
	tests := []struct {
		name string
		run  func(a, b *ORMap) // a and b start as replicas of {k: "base"@10}
		want string
		has  bool
	}{
		{"later write wins", func(a, b *ORMap) {
			a.SetLWW("a", "k", ts(30, "a"), []byte("a30"))
			b.SetLWW("b", "k", ts(20, "b"), []byte("b20"))
		}, "a30", true},
		{"concurrent remove and write: write wins", func(a, b *ORMap) {
			a.Remove("k")
			b.SetLWW("b", "k", ts(20, "b"), []byte("b20"))
		}, "b20", true},
		{"observed remove", func(a, b *ORMap) {
			d := a.Remove("k")
			b.Merge(&d)
		}, "", false},
		{"re-write after remove does not resurrect, even with an older timestamp", func(a, b *ORMap) {
			a.Remove("k")
			a.SetLWW("a", "k", ts(5, "a"), []byte("a5"))
		}, "a5", true},
		{"a causally later write replaces an observed later timestamp", func(a, b *ORMap) {
			a.SetLWW("a", "k", ts(5, "a"), []byte("a5")) // clock behind: keeps the winner
		}, "base", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base ORMap
			base.SetLWW("o", "k", ts(10, "o"), []byte("base"))
			a, b := base.Clone(), base.Clone()
			tt.run(a, b)
			got := converge(t, a, b)
			if s := str(got, "k"); s != tt.want || got.Has("k") != tt.has {
				t.Fatalf("k = %q (present %v), want %q (present %v)", s, got.Has("k"), tt.want, tt.has)
			}
		})
	}
}

func TestORMapConcurrentWritesKeepBothUntilOverwritten(t *testing.T) {
	var base ORMap
	a, b := base.Clone(), base.Clone()
	a.SetLWW("a", "k", ts(1, "a"), []byte("x"))
	b.SetLWW("b", "k", ts(2, "b"), []byte("y"))
	m := converge(t, a, b)
	if len(m.entries["k"].reg) != 2 || str(m, "k") != "y" {
		t.Fatalf("want two surviving writes reading y, got %+v", m.entries["k"].reg)
	}
	m.SetLWW("a", "k", ts(3, "a"), []byte("z"))
	if len(m.entries["k"].reg) != 1 || str(m, "k") != "z" {
		t.Fatalf("a later write should replace both, got %+v", m.entries["k"].reg)
	}
}

// TestORMapCounterReset pins down how counters behave when their field is
// removed (the embedded-counter problem).
func TestORMapCounterReset(t *testing.T) {
	tests := []struct {
		name string
		run  func(a, b *ORMap) // a, b start as replicas of {n: a+5, b+3}
		want int64
	}{
		{"increments add up", func(a, b *ORMap) {
			inc(a, "a", "n", 1)
			inc(b, "b", "n", 1)
		}, 10},
		{"remove then re-add by another actor starts at zero", func(a, b *ORMap) {
			a.Remove("n")
			inc(a, "c", "n", 1)
		}, 1},
		{"remove then re-add by an old contributor starts at zero", func(a, b *ORMap) {
			a.Remove("n")
			inc(a, "a", "n", 1)
		}, 1},
		{"increment concurrent with remove keeps that actor's total", func(a, b *ORMap) {
			a.Remove("n")
			inc(b, "b", "n", 1) // b's running total 3+1 survives; a's 5 is reset
		}, 4},
		{"increment by a new actor concurrent with remove", func(a, b *ORMap) {
			a.Remove("n")
			inc(b, "c", "n", 2)
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base ORMap
			inc(&base, "a", "n", 5)
			inc(&base, "b", "n", 3)
			a, b := base.Clone(), base.Clone()
			tt.run(a, b)
			if got := counter(converge(t, a, b), "n"); got != tt.want {
				t.Fatalf("n = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestORMapKinds(t *testing.T) {
	var m ORMap
	m.SetLWW("a", "k", ts(1, "a"), []byte("v"))
	d := m.UpdateSet("k", func(s *ORSet) ORSet { return s.Add("a", "e") })
	if _, ok := m.GetKind("k", KindLWW); ok {
		t.Fatal("a sequential update of another kind kept the register")
	}
	if !d.cc.Contains(Dot{"a", 1}) {
		t.Fatal("the delta does not remove the replaced register")
	}

	// Concurrent updates of different kinds both survive; Get prefers the set.
	var base ORMap
	a, b := base.Clone(), base.Clone()
	a.SetLWW("a", "k", ts(1, "a"), []byte("v"))
	b.UpdateSet("k", func(s *ORSet) ORSet { return s.Add("b", "e") })
	got := converge(t, a, b)
	v, _ := got.Get("k")
	if v.Kind() != KindSet || !v.Set.Contains("e") {
		t.Fatalf("Get = %+v, want the set", v)
	}
	if str(got, "k") != "v" {
		t.Fatal("GetKind lost the concurrent register")
	}
	got.Remove("k")
	if got.Has("k") || got.Len() != 0 {
		t.Fatal("Remove left a kind behind")
	}
}

func TestORMapNested(t *testing.T) {
	var base ORMap
	base.UpdateMap("cfg", func(c *ORMap) ORMap {
		d := c.SetLWW("o", "ram", ts(1, "o"), []byte("1024"))
		d2 := c.SetLWW("o", "cpu", ts(1, "o"), []byte("100"))
		d.Merge(&d2)
		return d
	})
	a, b := base.Clone(), base.Clone()
	a.Remove("cfg")
	b.UpdateMap("cfg", func(c *ORMap) ORMap { return c.SetLWW("b", "ram", ts(2, "b"), []byte("2048")) })
	got := converge(t, a, b)
	v, ok := got.Get("cfg")
	if !ok || v.Kind() != KindMap {
		t.Fatal("the concurrent nested update did not keep the map")
	}
	if keys := v.Map.Keys(); !slices.Equal(keys, []string{"ram"}) || str(v.Map, "ram") != "2048" {
		t.Fatalf("cfg = %q, want only ram=2048", keys)
	}

	// Removing the last nested key removes the parent key too.
	d := got.UpdateMap("cfg", func(c *ORMap) ORMap { return c.Remove("ram") })
	if got.Has("cfg") {
		t.Fatal("an empty nested map is still present")
	}
	other := base.Clone()
	other.Merge(b)
	other.Merge(&d)
	if _, ok := other.GetKind("cfg", KindMap); !ok {
		t.Fatal("the nested remove delta removed keys it never observed")
	}
}

func TestORMapUpdateDeltas(t *testing.T) {
	var a, b ORMap
	var deltas []ORMap
	deltas = append(deltas,
		a.SetLWW("a", "name", ts(1, "a"), []byte("x")),
		a.UpdateSet("tags", func(s *ORSet) ORSet { return s.Add("a", "t1") }),
		inc(&a, "a", "n", 4),
		a.UpdateMap("md", func(m *ORMap) ORMap {
			return m.UpdateMap("deep", func(m *ORMap) ORMap { return m.SetLWW("a", "k", ts(2, "a"), []byte("v")) })
		}),
		a.UpdateSet("tags", func(s *ORSet) ORSet { return s.Remove("t1") }),
		a.Remove("name"),
	)
	for i := len(deltas) - 1; i >= 0; i-- { // reverse order
		b.Merge(&deltas[i])
	}
	if !a.Equal(&b) {
		t.Fatalf("b = %v, want %v", b.Keys(), a.Keys())
	}
	if keys := b.Keys(); !slices.Equal(keys, []string{"md", "n"}) {
		t.Fatalf("keys = %q", keys)
	}
}

func TestORMapTransformLWW(t *testing.T) {
	var base ORMap
	base.UpdateMap("cfg", func(c *ORMap) ORMap { return c.SetLWW("o", "flag", ts(1, "o"), []byte("t")) })
	a, b := base.Clone(), base.Clone()
	b.UpdateMap("cfg", func(c *ORMap) ORMap { return c.SetLWW("b", "flag", ts(2, "b"), []byte("f")) })
	upper := func(l LWW) ([]byte, error) { return bytes.ToUpper(l.Value), nil }
	path := []string{"cfg", "flag"}

	// Transform each replica, then merge ...
	ta, tb := a.Clone(), b.Clone()
	for _, m := range []*ORMap{ta, tb} {
		if err := m.TransformLWW(path, upper); err != nil {
			t.Fatal(err)
		}
	}
	ta.Merge(tb)
	// ... equals merging, then transforming.
	a.Merge(b)
	if err := a.TransformLWW(path, upper); err != nil {
		t.Fatal(err)
	}
	if !a.Equal(ta) {
		t.Fatal("transform does not commute with merge")
	}
	v, _ := a.Get("cfg")
	if got := str(v.Map, "flag"); got != "F" {
		t.Fatalf("flag = %q, want F", got)
	}
	if err := a.TransformLWW([]string{"nope", "x"}, upper); err != nil {
		t.Fatalf("missing path: %v", err)
	}
}
