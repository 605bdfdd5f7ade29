package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/fifogo/fifo/internal/hashtree"
	"github.com/fifogo/fifo/internal/ring"
)

var shapes = []hashtree.Options{
	{Segments: 1, Fanout: 2},
	{Segments: 16, Fanout: 2},
	{Segments: 64, Fanout: 4},
	{Segments: 256, Fanout: 4},
	{},
}

func drawSet(t *rapid.T, label string) map[string]hashtree.Digest {
	key := rapid.Custom(func(t *rapid.T) string {
		return Key("vm", fmt.Sprintf("%04d", rapid.IntRange(0, 999).Draw(t, "k")))
	})
	digest := rapid.Custom(func(t *rapid.T) hashtree.Digest {
		return hashtree.DigestOf([]byte{byte(rapid.IntRange(0, 2).Draw(t, "d"))})
	})
	return rapid.MapOf(key, digest).Draw(t, label)
}

func build(t testing.TB, opts hashtree.Options, m map[string]hashtree.Digest) *hashtree.Tree {
	tr, err := hashtree.Build(opts, func(yield func(string, hashtree.Digest) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// wire answers queries the way the actor does: every level and segment
// through its encoding, both ways.
func wire(t testing.TB, remote *hashtree.Tree, queries *int) Query {
	return func(q hashtree.Level) (Reply, error) {
		*queries++
		b, err := hashtree.MarshalLevel(q)
		if err != nil {
			return Reply{}, err
		}
		if q, err = hashtree.UnmarshalLevel(b); err != nil {
			return Reply{}, err
		}
		r, err := Answer(remote, q)
		if err != nil {
			return Reply{}, err
		}
		var out Reply
		if q.Depth < remote.Depth()-1 {
			lb, err := hashtree.MarshalLevel(r.Level)
			if err != nil {
				return Reply{}, err
			}
			out.Level, err = hashtree.UnmarshalLevel(lb)
			return out, err
		}
		sb, err := MarshalSegments(r.Segments)
		if err != nil {
			return Reply{}, err
		}
		out.Segments, err = UnmarshalSegments(sb)
		return out, err
	}
}

func lock(tr *hashtree.Tree) func(func(*hashtree.Tree) error) error {
	return func(fn func(*hashtree.Tree) error) error { return fn(tr) }
}

// TestWalkIsExact: for random key sets on two replicas, the walk (every
// message through its encoding) finds exactly the keys on one side only
// and the keys whose digests differ; equal sets take one query.
func TestWalkIsExact(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		opts := rapid.SampledFrom(shapes).Draw(rt, "shape")
		a, b := drawSet(rt, "a"), drawSet(rt, "b")
		if rapid.Bool().Draw(rt, "equal") {
			b = maps.Clone(a)
		}
		ta, tb := build(t, opts, a), build(t, opts, b)
		queries := 0
		got, err := Walk(lock(ta), wire(t, tb, &queries))
		if err != nil {
			rt.Fatal(err)
		}
		want, _, err := hashtree.Diff(ta, tb)
		if err != nil {
			rt.Fatal(err)
		}
		if !slices.Equal(got, want) {
			rt.Fatalf("walk found %d differences, want %d", len(got), len(want))
		}
		var keys []string
		for k, d := range a {
			if bd, ok := b[k]; !ok || bd != d {
				keys = append(keys, k)
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		if gotKeys := keysOf(got); !slices.Equal(gotKeys, keys) {
			rt.Fatalf("keys %v, want %v", gotKeys, keys)
		}
		if len(keys) == 0 && queries != 1 && ta.Depth() > 1 {
			rt.Fatalf("equal trees took %d queries", queries)
		}
	})
}

func keysOf(ds []hashtree.Difference) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Key
	}
	return out
}

// TestWalkChunksSegments: when more than MaxSegmentsPerQuery segments
// differ, the walk asks in chunks and still finds every key; Answer
// refuses a larger question.
func TestWalkChunksSegments(t *testing.T) {
	opts := hashtree.Options{Segments: 1024, Fanout: 32}
	a := map[string]hashtree.Digest{}
	for i := range 2000 {
		a[Key("vm", fmt.Sprint(i))] = hashtree.DigestOf([]byte{1})
	}
	ta, tb := build(t, opts, a), build(t, opts, nil)
	queries := 0
	got, err := Walk(lock(ta), wire(t, tb, &queries))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2000 {
		t.Fatalf("found %d differences, want 2000", len(got))
	}
	if queries < 2+800/MaxSegmentsPerQuery {
		t.Fatalf("%d queries for over 800 differing segments", queries)
	}
	all, _ := ta.Expand(1, indexes(32))
	if _, err := Answer(tb, all); err == nil {
		t.Fatal("Answer served 1024 segments at once")
	}
}

// TestBuildDuringWrites: writers change keys while a tree is rebuilt from
// a snapshot taken after BeginBuild; once they stop, the tree equals one
// built from the final state. Run with -race.
func TestBuildDuringWrites(t *testing.T) {
	opts := hashtree.Options{Segments: 64, Fanout: 4}
	trees, err := NewTrees(2, opts)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		truth = map[string]hashtree.Digest{}
	)
	// write is a store commit and its hook: in one critical section, so
	// the hook sees writes in commit order.
	write := func(k string, v int) {
		mu.Lock()
		defer mu.Unlock()
		if v < 0 {
			delete(truth, k)
			trees.Delete(1, k)
			return
		}
		d := hashtree.DigestOf([]byte{byte(v)})
		truth[k] = d
		trees.Put(1, k, d)
	}
	for i := range 300 {
		write(Key("vm", fmt.Sprint(i)), i%5)
	}
	if err := trees.With(1, func(*hashtree.Tree) error { return nil }); err == nil {
		t.Fatal("a tree before any build")
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				write(Key("vm", fmt.Sprint((i*7+w)%400)), (i+w)%7-1)
			}
		}()
	}
	for round := range 3 {
		if !trees.BeginBuild(1) {
			t.Fatal("build already running")
		}
		mu.Lock()
		snap := maps.Clone(truth)
		mu.Unlock()
		tr := build(t, opts, snap)
		if err := trees.FinishBuild(1, tr, time.Unix(int64(round), 0)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	want := build(t, opts, truth)
	var root hashtree.Hash
	if err := trees.With(1, func(tr *hashtree.Tree) error { root = tr.Root(); return nil }); err != nil {
		t.Fatal(err)
	}
	if root != want.Root() {
		t.Fatal("tree after concurrent rebuilds differs from the final state")
	}
	if at, ok := trees.BuiltAt(1); !ok || at != time.Unix(2, 0) {
		t.Fatalf("built at %v, %v", at, ok)
	}
	if p, ok := trees.Oldest(time.Unix(5, 0)); !ok || p != 1 {
		t.Fatalf("oldest %d, %v", p, ok)
	}
}

// TestDefaultShape: trees of the zero Options take built trees of the
// default shape.
func TestDefaultShape(t *testing.T) {
	trees, err := NewTrees(1, hashtree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	trees.BeginBuild(0)
	if err := trees.FinishBuild(0, build(t, hashtree.Options{}, nil), time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
}

// TestLimiter: a burst is free, then each token costs 1/rate.
func TestLimiter(t *testing.T) {
	t0 := time.Unix(100, 0)
	l := NewLimiter(100, 50)
	if w := l.Take(t0, 50); w != 0 {
		t.Fatalf("burst waited %v", w)
	}
	if w := l.Take(t0, 100); w != time.Second {
		t.Fatalf("100 more tokens: wait %v, want 1s", w)
	}
	if w := l.Take(t0.Add(time.Second), 10); w != 100*time.Millisecond {
		t.Fatalf("after paying the debt: wait %v, want 100ms", w)
	}
	if w := NewLimiter(0, 0).Take(t0, 1e6); w != 0 {
		t.Fatalf("unlimited waited %v", w)
	}
}

// TestPairs: on a ring of three nodes with N=3 every partition's three
// replicas make three pairs, each run by exactly one side; a down peer is
// skipped.
func TestPairs(t *testing.T) {
	r, err := ring.New("c", 8, "a")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"b", "c"} {
		if err := r.Join(n); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		r.Rebalance(3)
		for _, h := range r.Handoffs() {
			if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(r.Owned("c")) == 0 {
		t.Fatalf("c owns nothing: %v", r.Owners())
	}
	seen := map[string]int{}
	for _, self := range []string{"a", "b", "c"} {
		for _, pr := range Pairs(r, self, 3, nil) {
			pair := []string{self, pr.Peer}
			slices.Sort(pair)
			seen[fmt.Sprint(pr.Partition, pair)]++
		}
	}
	if len(seen) != 8*3 {
		t.Fatalf("%d pairs, want 24: %v", len(seen), seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("pair %s run %d times", k, n)
		}
	}
	for _, pr := range Pairs(r, "a", 3, func(n string) bool { return n == "b" }) {
		if pr.Peer == "b" {
			t.Fatal("pair with a down peer")
		}
	}
}

// FuzzUnmarshalSegments: no input panics the decoder.
func FuzzUnmarshalSegments(f *testing.F) {
	tr := build(f, hashtree.Options{Segments: 4, Fanout: 2}, map[string]hashtree.Digest{Key("vm", "a"): {}})
	seg, _ := tr.Segment(0)
	b, _ := MarshalSegments([]hashtree.Segment{seg})
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, err := UnmarshalSegments(data)
		if err == nil {
			if _, err := MarshalSegments(segs); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestSplitKey(t *testing.T) {
	if b, id, ok := SplitKey(Key("vm", "x\x01")); !ok || b != "vm" || id != "x\x01" {
		t.Fatalf("split: %q %q %v", b, id, ok)
	}
	for _, k := range []string{"vm", "\x00a", "vm\x00", ""} {
		if _, _, ok := SplitKey(k); ok {
			t.Fatalf("split %q ok", k)
		}
	}
	_ = strings.Compare
}
