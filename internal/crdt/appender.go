package crdt

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// appender writes the wire form described in wire.go directly, without the
// intermediate wire structs: the same bytes the structure encoding mode
// produces from them (core deterministic CBOR, strings as byte strings, map
// keys sorted by their encodings), at a fraction of the cost. A test checks
// the two agree.
type appender struct {
	buf []byte
	cc  *CausalContext // numbers dot actors
}

// CBOR major types.
const (
	majorUint  = 0 << 5
	majorNeg   = 1 << 5
	majorBytes = 2 << 5
	majorText  = 3 << 5
	majorArray = 4 << 5
	majorMap   = 5 << 5
)

// head appends a CBOR item head in its shortest form.
func (a *appender) head(major byte, n uint64) {
	switch {
	case n < 24:
		a.buf = append(a.buf, major|byte(n))
	case n <= 0xff:
		a.buf = append(a.buf, major|24, byte(n))
	case n <= 0xffff:
		a.buf = append(a.buf, major|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		a.buf = append(a.buf, major|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	default:
		a.buf = append(a.buf, major|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32),
			byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func (a *appender) uint(n uint64) { a.head(majorUint, n) }

func (a *appender) int(n int64) {
	if n < 0 {
		a.head(majorNeg, uint64(-1-n))
		return
	}
	a.head(majorUint, uint64(n))
}

func (a *appender) bytes(b []byte) {
	a.head(majorBytes, uint64(len(b)))
	a.buf = append(a.buf, b...)
}

func (a *appender) str(s string) {
	a.head(majorBytes, uint64(len(s)))
	a.buf = append(a.buf, s...)
}

// pair is a key and its value in a map being encoded.
type pair[V any] struct {
	k string
	v V
}

// sorted appends m's pairs to ps (usually an empty slice of a stack array,
// so that small maps sort without allocating) in the order core
// deterministic CBOR sorts byte-string keys: by length, then bytewise.
func sorted[V any](ps []pair[V], m map[string]V) []pair[V] {
	for k, v := range m {
		ps = append(ps, pair[V]{k, v})
	}
	if len(ps) > 12 {
		slices.SortFunc(ps, func(x, y pair[V]) int { return compareKeys(x.k, y.k) })
		return ps
	}
	for i := 1; i < len(ps); i++ { // insertion sort, as SortFunc does for so few
		for j := i; j > 0 && keyLess(ps[j].k, ps[j-1].k); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// compareKeys orders keys as core deterministic CBOR sorts byte strings.
func compareKeys(x, y string) int {
	if len(x) != len(y) {
		return cmp.Compare(len(x), len(y))
	}
	return strings.Compare(x, y)
}

// keyLess reports whether compareKeys(x, y) < 0.
func keyLess(x, y string) bool { return len(x) < len(y) || len(x) == len(y) && x < y }

func (a *appender) context() {
	if a.cc == nil {
		a.head(majorArray, 0)
		return
	}
	a.head(majorArray, uint64(len(a.cc.actors)))
	for _, ac := range a.cc.actors {
		a.head(majorArray, 3)
		a.str(ac.name)
		a.uint(ac.max)
		a.head(majorArray, uint64(len(ac.cloud)))
		for _, s := range ac.cloud {
			a.uint(s)
		}
	}
}

func (a *appender) dot(d Dot) error {
	i, ok := a.cc.find(d.Actor)
	if !ok || !a.cc.actors[i].has(d.Seq) {
		return fmt.Errorf("crdt: encode: dot %v outside the causal context", d)
	}
	a.head(majorArray, 2)
	a.uint(uint64(i))
	a.uint(d.Seq)
	return nil
}

func (a *appender) dotSet(s dotSet) error {
	a.head(majorArray, uint64(len(s)))
	for _, x := range s {
		if err := a.dot(x.dot); err != nil {
			return err
		}
	}
	return nil
}

func (a *appender) set(s setStore) error {
	a.head(majorMap, uint64(len(s)))
	var scratch [32]pair[dotSet]
	for _, p := range sorted(scratch[:0], s) {
		a.str(p.k)
		if err := a.dotSet(p.v); err != nil {
			return err
		}
	}
	return nil
}

func (a *appender) counter(s []dotted[pn]) error {
	a.head(majorArray, uint64(len(s)))
	for _, x := range s {
		a.head(majorArray, 3)
		if err := a.dot(x.dot); err != nil {
			return err
		}
		a.uint(x.val.P)
		a.uint(x.val.N)
	}
	return nil
}

func (a *appender) register(s []dotted[LWW]) error {
	a.head(majorArray, uint64(len(s)))
	for _, x := range s {
		a.head(majorArray, 3)
		if err := a.dot(x.dot); err != nil {
			return err
		}
		a.timestamp(x.val.TS)
		a.bytes(x.val.Value)
	}
	return nil
}

func (a *appender) timestamp(t Timestamp) {
	a.head(majorArray, 3)
	a.int(t.Wall)
	a.uint(uint64(t.Logical))
	a.str(t.Node)
}

// entry writes {1: register, 2: counter, 3: set, 4: map}, present slots
// only.
func (a *appender) entry(e *entry) error {
	n := 0
	for k := KindLWW; k <= KindMap; k++ {
		if e.has(k) {
			n++
		}
	}
	a.head(majorMap, uint64(n))
	var err error
	if len(e.reg) > 0 {
		a.uint(1)
		err = a.register(e.reg)
	}
	if err == nil && len(e.ctr) > 0 {
		a.uint(2)
		err = a.counter(e.ctr)
	}
	if err == nil && len(e.set) > 0 {
		a.uint(3)
		err = a.set(e.set)
	}
	if err == nil && len(e.sub) > 0 {
		a.uint(4)
		err = a.mapStore(e.sub)
	}
	return err
}

func (a *appender) mapStore(m mapStore) error {
	a.head(majorMap, uint64(len(m)))
	var scratch [32]pair[*entry]
	for _, p := range sorted(scratch[:0], m) {
		a.str(p.k)
		if err := a.entry(p.v); err != nil {
			return err
		}
	}
	return nil
}

// start writes the head of [context, store] and the context.
func (a *appender) start() {
	a.head(majorArray, 2)
	a.context()
}
