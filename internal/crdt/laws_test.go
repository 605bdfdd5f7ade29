package crdt

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// subject adapts one CRDT type to the generic law checks. States are
// pointers; merge and mutate change their first argument in place.
type subject[T any] struct {
	empty  func() T
	mutate func(t *rapid.T, s T, actor string, clock *int64) T // returns the delta
	merge  func(dst, src T)
	clone  func(T) T
	equal  func(a, b T) bool
	encode func(T) ([]byte, error)
	decode func([]byte) (T, error)
}

var actors = []string{"r0", "r1", "r2"}

// history is the outcome of a random run: replicas that mutated, exchanged
// deltas and merged whole states, every state they went through, and the
// deltas each replica produced.
type history[T any] struct {
	replicas []T
	pool     []T   // snapshots of every state reached
	deltas   [][]T // per replica, in production order
}

func runHistory[T any](t *rapid.T, s subject[T], label string) history[T] {
	h := history[T]{replicas: make([]T, len(actors)), deltas: make([][]T, len(actors))}
	clocks := make([]int64, len(actors))
	for i := range h.replicas {
		h.replicas[i] = s.empty()
	}
	h.pool = append(h.pool, s.empty())
	steps := rapid.IntRange(0, 25).Draw(t, label+"_steps")
	for range steps {
		i := rapid.IntRange(0, len(actors)-1).Draw(t, label+"_replica")
		switch rapid.IntRange(0, 5).Draw(t, label+"_action") {
		case 0, 1, 2: // local mutation
			pre := s.clone(h.replicas[i])
			d := s.mutate(t, h.replicas[i], actors[i], &clocks[i])
			checkDeltaMutator(t, s, pre, h.replicas[i], d)
			h.deltas[i] = append(h.deltas[i], d)
		case 3, 4: // deliver some delta of another replica, possibly again
			j := rapid.IntRange(0, len(actors)-1).Draw(t, label+"_from")
			if n := len(h.deltas[j]); n > 0 {
				k := rapid.IntRange(0, n-1).Draw(t, label+"_delta")
				s.merge(h.replicas[i], h.deltas[j][k])
			}
		case 5: // whole-state merge
			j := rapid.IntRange(0, len(actors)-1).Draw(t, label+"_from")
			s.merge(h.replicas[i], s.clone(h.replicas[j]))
		}
		h.pool = append(h.pool, s.clone(h.replicas[i]))
	}
	return h
}

// checkDeltaMutator checks post = pre ⊔ d and d ⊑ post.
func checkDeltaMutator[T any](t *rapid.T, s subject[T], pre, post, d T) {
	joined := s.clone(pre)
	s.merge(joined, d)
	if !s.equal(joined, post) {
		t.Fatalf("mutator: pre ⊔ delta differs from the mutated state")
	}
	again := s.clone(post)
	s.merge(again, d)
	if !s.equal(again, post) {
		t.Fatalf("delta not ⊑ state: merging it into the mutated state changed it")
	}
}

func pick[T any](t *rapid.T, pool []T, label string) T {
	return pool[rapid.IntRange(0, len(pool)-1).Draw(t, label)]
}

func mustEncode[T any](t *rapid.T, s subject[T], x T) []byte {
	b, err := s.encode(x)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// checkLaws runs every law of the package contract for one type.
func checkLaws[T any](t *testing.T, s subject[T]) {
	t.Run("semilattice", rapid.MakeCheck(func(t *rapid.T) {
		h := runHistory(t, s, "h")
		a, b, c := pick(t, h.pool, "a"), pick(t, h.pool, "b"), pick(t, h.pool, "c")
		join := func(x, y T) T { z := s.clone(x); s.merge(z, y); return z }
		if !s.equal(join(a, b), join(b, a)) {
			t.Fatal("merge is not commutative")
		}
		if !s.equal(join(join(a, b), c), join(a, join(b, c))) {
			t.Fatal("merge is not associative")
		}
		if !s.equal(join(a, a), a) {
			t.Fatal("merge is not idempotent")
		}
		if !bytes.Equal(mustEncode(t, s, join(a, b)), mustEncode(t, s, join(b, a))) {
			t.Fatal("a ⊔ b and b ⊔ a encode differently")
		}
	}))
	t.Run("convergence", rapid.MakeCheck(func(t *rapid.T) {
		h := runHistory(t, s, "h")
		// Deliver every delta to every replica, in a random order.
		for i := range h.replicas {
			var all []T
			for _, ds := range h.deltas {
				all = append(all, ds...)
			}
			for _, k := range rapid.Permutation(indices(len(all))).Draw(t, fmt.Sprint("order", i)) {
				s.merge(h.replicas[i], all[k])
			}
		}
		want := mustEncode(t, s, h.replicas[0])
		for i, r := range h.replicas[1:] {
			if !s.equal(r, h.replicas[0]) || !bytes.Equal(mustEncode(t, s, r), want) {
				t.Fatalf("replica %d differs from replica 0 after all deltas", i+1)
			}
		}
	}))
	t.Run("delta merge equals state merge", rapid.MakeCheck(func(t *rapid.T) {
		h := runHistory(t, s, "h")
		base := pick(t, h.pool, "base")
		a, b := s.clone(base), s.clone(base)
		clocks := []int64{1000, 2000}
		for range rapid.IntRange(0, 4).Draw(t, "b_ops") {
			s.mutate(t, b, "rb", &clocks[1])
		}
		var ds []T
		for range rapid.IntRange(0, 6).Draw(t, "a_ops") {
			ds = append(ds, s.mutate(t, a, "ra", &clocks[0]))
		}
		viaState := s.clone(b)
		s.merge(viaState, a)
		// Ship the deltas in a random order, some joined into delta groups.
		viaDeltas := s.clone(b)
		group := s.empty()
		for _, k := range rapid.Permutation(indices(len(ds))).Draw(t, "order") {
			s.merge(group, ds[k])
			if rapid.Bool().Draw(t, "flush") {
				s.merge(viaDeltas, group)
				group = s.empty()
			}
		}
		s.merge(viaDeltas, group)
		if !s.equal(viaDeltas, viaState) {
			t.Fatal("merging a's deltas differs from merging a's state")
		}
	}))
	t.Run("encoding", rapid.MakeCheck(func(t *rapid.T) {
		h := runHistory(t, s, "h")
		x, y := pick(t, h.pool, "x"), pick(t, h.pool, "y")
		bx := mustEncode(t, s, x)
		dx, err := s.decode(bx)
		if err != nil {
			t.Fatalf("decode of an encoding: %v", err)
		}
		if !s.equal(dx, x) || !bytes.Equal(mustEncode(t, s, dx), bx) {
			t.Fatal("encode → decode → encode is not the identity")
		}
		by := mustEncode(t, s, y)
		if s.equal(x, y) != bytes.Equal(bx, by) {
			t.Fatalf("states equal = %v but bytes equal = %v", s.equal(x, y), bytes.Equal(bx, by))
		}
	}))
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// decodeInto adapts an UnmarshalCBOR method to subject.decode.
func decodeInto[T any, P interface {
	*T
	UnmarshalCBOR([]byte) error
}](b []byte) (P, error) {
	p := P(new(T))
	err := p.UnmarshalCBOR(b)
	return p, err
}

var (
	elems  = []string{"x", "y", "z", "\xff\x00"}
	keys   = []string{"a", "b", "c"}
	values = [][]byte{nil, {0}, {1}, []byte("long value")}
)

func lwwSubject() subject[*LWW] {
	return subject[*LWW]{
		empty: func() *LWW { return &LWW{} },
		mutate: func(t *rapid.T, l *LWW, actor string, _ *int64) *LWW {
			// Small timestamp ranges make ties, including full ties.
			ts := Timestamp{
				Wall:    rapid.Int64Range(0, 3).Draw(t, "wall"),
				Logical: rapid.Uint32Range(0, 1).Draw(t, "logical"),
				Node:    rapid.SampledFrom(actors).Draw(t, "node"),
			}
			d := l.Set(ts, rapid.SampledFrom(values).Draw(t, "value"))
			return &d
		},
		merge:  func(dst, src *LWW) { dst.Merge(*src) },
		clone:  func(l *LWW) *LWW { c := *l; return &c },
		equal:  func(a, b *LWW) bool { return a.Equal(*b) },
		encode: func(l *LWW) ([]byte, error) { return l.MarshalCBOR() },
		decode: decodeInto[LWW],
	}
}

func contextSubject() subject[*CausalContext] {
	return subject[*CausalContext]{
		empty: func() *CausalContext { return &CausalContext{} },
		mutate: func(t *rapid.T, c *CausalContext, _ string, _ *int64) *CausalContext {
			d := Dot{rapid.SampledFrom(actors).Draw(t, "actor"), rapid.Uint64Range(1, 6).Draw(t, "seq")}
			c.Add(d)
			return contextOf(d)
		},
		merge:  func(dst, src *CausalContext) { dst.Merge(src) },
		clone:  (*CausalContext).Clone,
		equal:  (*CausalContext).Equal,
		encode: (*CausalContext).MarshalCBOR,
		decode: decodeInto[CausalContext],
	}
}

func orsetSubject() subject[*ORSet] {
	return subject[*ORSet]{
		empty: func() *ORSet { return &ORSet{} },
		mutate: func(t *rapid.T, s *ORSet, actor string, _ *int64) *ORSet {
			d := mutateSet(t, s, actor)
			return &d
		},
		merge:  (*ORSet).Merge,
		clone:  (*ORSet).Clone,
		equal:  (*ORSet).Equal,
		encode: (*ORSet).MarshalCBOR,
		decode: decodeInto[ORSet],
	}
}

func mutateSet(t *rapid.T, s *ORSet, actor string) ORSet {
	e := rapid.SampledFrom(elems).Draw(t, "elem")
	if rapid.Bool().Draw(t, "add") {
		return s.Add(actor, e)
	}
	return s.Remove(e)
}

func counterSubject() subject[*PNCounter] {
	return subject[*PNCounter]{
		empty: func() *PNCounter { return &PNCounter{} },
		mutate: func(t *rapid.T, c *PNCounter, actor string, _ *int64) *PNCounter {
			d := mutateCounter(t, c, actor)
			return &d
		},
		merge:  (*PNCounter).Merge,
		clone:  (*PNCounter).Clone,
		equal:  (*PNCounter).Equal,
		encode: (*PNCounter).MarshalCBOR,
		decode: decodeInto[PNCounter],
	}
}

func mutateCounter(t *rapid.T, c *PNCounter, actor string) PNCounter {
	n := rapid.Uint64Range(0, 5).Draw(t, "n")
	if rapid.Bool().Draw(t, "inc") {
		return c.Inc(actor, n)
	}
	return c.Dec(actor, n)
}

func ormapSubject() subject[*ORMap] {
	return subject[*ORMap]{
		empty: func() *ORMap { return &ORMap{} },
		mutate: func(t *rapid.T, m *ORMap, actor string, clock *int64) *ORMap {
			d := mutateMap(t, m, actor, clock, 0)
			// Sometimes a second mutation, its delta joined into the first.
			if rapid.IntRange(0, 3).Draw(t, "twice") == 0 {
				d2 := mutateMap(t, m, actor, clock, 0)
				d.Merge(&d2)
			}
			return &d
		},
		merge:  (*ORMap).Merge,
		clone:  (*ORMap).Clone,
		equal:  (*ORMap).Equal,
		encode: (*ORMap).MarshalCBOR,
		decode: decodeInto[ORMap],
	}
}

// mutateMap applies one random mutation, possibly nested, and returns its
// delta.
func mutateMap(t *rapid.T, m *ORMap, actor string, clock *int64, depth int) ORMap {
	key := rapid.SampledFrom(keys).Draw(t, "key")
	switch rapid.IntRange(0, 5).Draw(t, "op") {
	case 0:
		*clock++
		return m.SetLWW(actor, key, Timestamp{Wall: *clock % 4, Node: actor}, rapid.SampledFrom(values).Draw(t, "value"))
	case 1:
		return m.UpdateSet(key, func(s *ORSet) ORSet { return mutateSet(t, s, actor) })
	case 2:
		return m.UpdateCounter(key, func(c *PNCounter) PNCounter { return mutateCounter(t, c, actor) })
	case 3:
		return m.Remove(key)
	default:
		if depth >= 2 {
			return m.Remove(key)
		}
		return m.UpdateMap(key, func(sub *ORMap) ORMap { return mutateMap(t, sub, actor, clock, depth+1) })
	}
}

func TestLawsLWW(t *testing.T)           { checkLaws(t, lwwSubject()) }
func TestLawsCausalContext(t *testing.T) { checkLaws(t, contextSubject()) }
func TestLawsORSet(t *testing.T)         { checkLaws(t, orsetSubject()) }
func TestLawsPNCounter(t *testing.T)     { checkLaws(t, counterSubject()) }
func TestLawsORMap(t *testing.T)         { checkLaws(t, ormapSubject()) }
