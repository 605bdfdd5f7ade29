package hashtree

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// shapes are the tree shapes property tests draw: one level, two, several,
// a top level with fewer than fanout children.
var shapes = []Options{
	{Segments: 1, Fanout: 2},
	{Segments: 8, Fanout: 8},
	{Segments: 16, Fanout: 2},
	{Segments: 64, Fanout: 4},
	{Segments: 128, Fanout: 8},
	{},
}

// drawSet draws a map of keys to digests; keys and digests come from small
// alphabets so that two sets overlap and agree or disagree often.
func drawSet(t *rapid.T, label string) map[string]Digest {
	key := rapid.Custom(func(t *rapid.T) string {
		return fmt.Sprintf("vm\x00%03d", rapid.IntRange(0, 199).Draw(t, "k"))
	})
	digest := rapid.Custom(func(t *rapid.T) Digest {
		return DigestOf([]byte{byte(rapid.IntRange(0, 3).Draw(t, "d"))})
	})
	return rapid.MapOf(key, digest).Draw(t, label)
}

// sorted yields a map's entries in key order.
func sorted(m map[string]Digest) func(func(string, Digest) bool) {
	return func(yield func(string, Digest) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// expected is the symmetric difference of a and b plus the keys whose
// digests differ, in key order.
func expected(a, b map[string]Digest) []Difference {
	var out []Difference
	for _, k := range slices.Sorted(maps.Keys(a)) {
		if db, ok := b[k]; !ok {
			out = append(out, Difference{Key: k, Local: a[k], InLocal: true})
		} else if db != a[k] {
			out = append(out, Difference{Key: k, Local: a[k], Remote: db, InLocal: true, InRemote: true})
		}
	}
	for k, d := range b {
		if _, ok := a[k]; !ok {
			out = append(out, Difference{Key: k, Remote: d, InRemote: true})
		}
	}
	slices.SortFunc(out, func(x, y Difference) int { return strings.Compare(x.Key, y.Key) })
	return out
}

// incremental reaches set m by random puts and deletes, passing through
// other keys and digests on the way.
func incremental(t *rapid.T, opts Options, m map[string]Digest) *Tree {
	tr, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	noise := drawSet(t, "noise")
	for k, d := range noise {
		tr.Put(k, d)
	}
	for k := range noise {
		if _, keep := m[k]; !keep || rapid.Bool().Draw(t, "delete first") {
			tr.Delete(k)
		}
	}
	tr.Delete("vm\x00absent")
	for _, k := range rapid.Permutation(slices.Sorted(maps.Keys(m))).Draw(t, "put order") {
		tr.Put(k, m[k])
	}
	return tr
}

// TestDiffIsExact: for random key sets A and B, one tree built from a
// sorted scan and the other reached by random puts and deletes, the
// exchange finds exactly the symmetric difference plus the keys whose
// digests differ; and equal sets have equal roots.
func TestDiffIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := rapid.SampledFrom(shapes).Draw(t, "shape")
		a := drawSet(t, "a")
		b := drawSet(t, "b")
		if rapid.Bool().Draw(t, "b close to a") {
			b = maps.Clone(a)
			for k := range drawSet(t, "changes") {
				if rapid.Bool().Draw(t, "remove") {
					delete(b, k)
				} else {
					b[k] = DigestOf([]byte(k))
				}
			}
		}
		ta, err := Build(opts, sorted(a))
		if err != nil {
			t.Fatal(err)
		}
		tb := incremental(t, opts, b)
		if ta.Len() != len(a) || tb.Len() != len(b) {
			t.Fatalf("lengths %d, %d, want %d, %d", ta.Len(), tb.Len(), len(a), len(b))
		}
		got, _, err := Diff(ta, tb)
		if err != nil {
			t.Fatal(err)
		}
		want := expected(a, b)
		if !slices.Equal(got, want) {
			t.Fatalf("Diff found %d differences, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
		}
		if (len(want) == 0) != (ta.Root() == tb.Root()) {
			t.Fatalf("roots equal %v with %d differences", ta.Root() == tb.Root(), len(want))
		}
		back, _, err := Diff(tb, ta)
		if err != nil || len(back) != len(want) {
			t.Fatalf("Diff the other way found %d differences, want %d (%v)", len(back), len(want), err)
		}
	})
}

// TestIncrementalEqualsBuild: a tree kept up to date by puts and deletes
// has every node hash equal to a tree built from its final set.
func TestIncrementalEqualsBuild(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := rapid.SampledFrom(shapes).Draw(t, "shape")
		m := drawSet(t, "set")
		built, err := Build(opts, sorted(m))
		if err != nil {
			t.Fatal(err)
		}
		inc := incremental(t, opts, m)
		if !slices.EqualFunc(built.levels, inc.levels, slices.Equal) {
			t.Fatal("incremental tree hashes differ from the built tree's")
		}
		for k, d := range m {
			if got, ok := inc.Get(k); !ok || got != d {
				t.Fatalf("Get(%q) = %v, %v", k, got, ok)
			}
		}
		var keys []string
		for k := range inc.All() {
			keys = append(keys, k)
		}
		if len(keys) != len(m) {
			t.Fatalf("All yields %d keys, want %d", len(keys), len(m))
		}
	})
}

// TestDiffTraffic: one changed key among 10,000 costs one message per
// level and one segment, each small.
func TestDiffTraffic(t *testing.T) {
	m := map[string]Digest{}
	for i := range 10000 {
		k := fmt.Sprintf("vm\x00%08d", i)
		m[k] = DigestOf([]byte(k))
	}
	a, err := Build(Options{}, sorted(m))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(Options{}, sorted(m))
	if err != nil {
		t.Fatal(err)
	}
	b.Put("vm\x0000000042", DigestOf([]byte("changed")))
	diff, st, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(diff) != 1 || diff[0].Key != "vm\x0000000042" {
		t.Fatalf("Diff = %v", diff)
	}
	if st.Messages != a.Depth()+1 || st.Segments != 1 || st.Bytes > 2048 {
		t.Fatalf("traffic %+v, want %d messages, one segment, under 2 KB", st, a.Depth()+1)
	}
	t.Logf("one change in 10,000 keys: %+v", st)
	if same, st, err := Diff(a, a); err != nil || len(same) != 0 || st.Messages != 1 {
		t.Fatalf("equal trees: %v, %+v, %v", same, st, err)
	}
}

func TestBuildOrder(t *testing.T) {
	for _, keys := range [][]string{{"b", "a"}, {"a", "a"}} {
		_, err := Build(Options{}, func(yield func(string, Digest) bool) {
			for _, k := range keys {
				if !yield(k, Digest{}) {
					return
				}
			}
		})
		if !errors.Is(err, ErrOrder) {
			t.Errorf("Build(%q) = %v, want ErrOrder", keys, err)
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{Segments: 3}, {Segments: -1}, {Segments: MaxSegments * 2}, {Fanout: 1}, {Fanout: 3}, {Fanout: MaxFanout * 2}} {
		if _, err := New(o); !errors.Is(err, ErrInvalid) {
			t.Errorf("New(%+v) = %v, want ErrInvalid", o, err)
		}
	}
	for _, tc := range []struct {
		o    Options
		want []int
	}{
		{Options{}, []int{1, 32, 1024}},
		{Options{Segments: 1, Fanout: 2}, []int{1}},
		{Options{Segments: 2048, Fanout: 32}, []int{1, 2, 64, 2048}},
		{Options{Segments: 16, Fanout: 2}, []int{1, 2, 4, 8, 16}},
	} {
		if got := tc.o.withDefaults().levelSizes(); !slices.Equal(got, tc.want) {
			t.Errorf("levels of %+v = %v, want %v", tc.o, got, tc.want)
		}
	}
}

// TestShapeMismatch: trees and messages of different shapes refuse to
// compare.
func TestShapeMismatch(t *testing.T) {
	a, _ := New(Options{})
	b, _ := New(Options{Segments: 64, Fanout: 8})
	if _, err := b.Compare(a.Top()); !errors.Is(err, ErrShape) {
		t.Fatalf("Compare across shapes: %v, want ErrShape", err)
	}
	seg, _ := a.Segment(0)
	if _, err := b.DiffSegment(seg); !errors.Is(err, ErrShape) {
		t.Fatalf("DiffSegment across shapes: %v, want ErrShape", err)
	}
	if _, err := a.Expand(a.Depth()-1, []int{0}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Expand of the segment level: %v, want ErrInvalid", err)
	}
	if _, err := a.Expand(0, []int{1}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Expand of a missing node: %v, want ErrInvalid", err)
	}
}

// TestSegmentOfPinned pins the key-to-segment function: it is part of the
// protocol between nodes and must never change.
func TestSegmentOfPinned(t *testing.T) {
	got := []int{segmentOf("", 1024), segmentOf("a", 1024), segmentOf("vm\x00abc", 1024), segmentOf("vm\x00abc", 1)}
	want := []int{980, 11, 930, 0} // computed by an independent Python version

	if !slices.Equal(got, want) {
		t.Fatalf("segmentOf = %v, want %v", got, want)
	}
	counts := make([]int, 64)
	for i := range 64000 {
		counts[segmentOf(fmt.Sprint(i), 64)]++
	}
	for s, c := range counts {
		if c < 800 || c > 1200 {
			t.Fatalf("segment %d got %d of 64000 keys, want about 1000", s, c)
		}
	}
}
