package crdt

import (
	"bytes"
	"math"
	"unicode/utf8"
)

// reader decodes the wire form described in wire.go straight into stores,
// without intermediate wire structs. It is a strict recursive-descent
// parser: it accepts definite lengths only, and byte or UTF-8 text strings
// wherever a string is expected; it checks every length against the bytes
// left and applies the structure decoding mode's limits itself (item counts
// here, nesting through MaxMapDepth: an accepted ORMap nests at most
// 2*MaxMapDepth+4 CBOR levels), so it accepts exactly what that mode finds
// well formed and the wire structs accept.
//
// To keep allocations few, keys and names are substrings of one string copy
// of the input, and the dot-sorted slices of stores are carved,
// capacity-capped, out of a few shared slabs (stores never modify their
// slices in place, see store.go).
type reader struct {
	b    []byte // the input
	i    int    // offset of the next item (an int, so moving on is no pointer write)
	text string // the input as a string
	what string

	regs []dotted[LWW] // spare slab slots
	ctrs []dotted[pn]
	dots []dotted[unit]
	left int // entries left to read in the map store being read
}

// start checks data's size, sets r up to read it and reads the
// [context, store] header up to the store. Unless shared, the reader reads
// from a private copy of data, so that the caller may reuse its buffer
// (register values alias what the reader reads).
func (r *reader) start(what string, data []byte, shared bool) (*CausalContext, error) {
	if len(data) > MaxEncodedSize {
		return nil, corrupt(what, "%d bytes exceeds %d", len(data), MaxEncodedSize)
	}
	b := data
	if !shared {
		b = bytes.Clone(data)
	}
	*r = reader{b: b, text: string(data), what: what}
	if err := r.tuple(what, 2); err != nil {
		return nil, err
	}
	return r.context()
}

// end checks that the whole input was read.
func (r *reader) end() error {
	if n := r.rest(); n != 0 {
		return corrupt(r.what, "%d trailing bytes", n)
	}
	return nil
}

// rest returns the number of bytes left to read.
func (r *reader) rest() int { return len(r.b) - r.i }

func (r *reader) fail(format string, args ...any) error { return corrupt(r.what, format, args...) }

// head reads an item head and returns its major type and argument.
func (r *reader) head() (major byte, arg uint64, err error) {
	if r.i == len(r.b) {
		return 0, 0, r.fail("unexpected end of input")
	}
	ib := r.b[r.i]
	major, ai := ib&0xe0, ib&0x1f
	r.i++
	switch {
	case ai < 24:
		return major, uint64(ai), nil
	case ai <= 27:
		n := 1 << (ai - 24)
		if r.rest() < n {
			return 0, 0, r.fail("unexpected end of input")
		}
		for _, c := range r.b[r.i : r.i+n] {
			arg = arg<<8 | uint64(c)
		}
		r.i += n
		return major, arg, nil
	}
	return 0, 0, r.fail("indefinite length or reserved item head 0x%02x", ib)
}

// expect reads a head of the given major type.
func (r *reader) expect(major byte, name string) (uint64, error) {
	m, arg, err := r.head()
	if err != nil {
		return 0, err
	}
	if m != major {
		return 0, r.fail("%s: unexpected major type %d", name, m>>5)
	}
	return arg, nil
}

// count reads an array or map head and checks its length against the input
// left (every element takes at least one byte).
func (r *reader) count(major byte, name string) (int, error) {
	n, err := r.expect(major, name)
	if err != nil {
		return 0, err
	}
	if n > maxItems {
		return 0, r.fail("%s: %d elements exceed %d", name, n, maxItems)
	}
	if n > uint64(r.rest()) {
		return 0, r.fail("%s: %d elements in %d bytes", name, n, r.rest())
	}
	return int(n), nil
}

func (r *reader) array(name string) (int, error)    { return r.count(majorArray, name) }
func (r *reader) mapLen(name string) (int, error)   { return r.count(majorMap, name) }
func (r *reader) uint(name string) (uint64, error)  { return r.expect(majorUint, name) }
func (r *reader) tuple(name string, n int) error    { return r.arity(name, n) }
func (r *reader) arity(name string, want int) error { return r.exact(majorArray, name, want) }

func (r *reader) exact(major byte, name string, want int) error {
	n, err := r.count(major, name)
	if err == nil && n != want {
		err = r.fail("%s: %d elements, want %d", name, n, want)
	}
	return err
}

func (r *reader) int(name string) (int64, error) {
	m, arg, err := r.head()
	switch {
	case err != nil:
		return 0, err
	case arg > math.MaxInt64:
		return 0, r.fail("%s: integer overflows int64", name)
	case m == majorUint:
		return int64(arg), nil
	case m == majorNeg:
		return -1 - int64(arg), nil
	}
	return 0, r.fail("%s: unexpected major type %d", name, m>>5)
}

// raw reads a byte string, or a text string when text is allowed.
func (r *reader) raw(name string, text bool) ([]byte, error) {
	m, n, err := r.head()
	if err != nil {
		return nil, err
	}
	if m != majorBytes && (!text || m != majorText) {
		return nil, r.fail("%s: unexpected major type %d", name, m>>5)
	}
	if n > uint64(r.rest()) {
		return nil, r.fail("%s: %d bytes past the end", name, n)
	}
	i, j := r.i, r.i+int(n)
	s := r.b[i:j:j]
	r.i = j
	if m != majorBytes && !utf8.Valid(s) {
		return nil, r.fail("%s: invalid UTF-8", name)
	}
	return s, nil
}

// str reads a byte or text string and returns it as a substring of r.text.
func (r *reader) str(name string) (string, error) {
	b, err := r.raw(name, true)
	if err != nil {
		return "", err
	}
	return r.text[r.i-len(b) : r.i], nil
}

// context reads a causal context and checks that it is canonical.
func (r *reader) context() (*CausalContext, error) {
	n, err := r.array("context")
	if err != nil {
		return nil, err
	}
	var c *CausalContext
	if n == 1 { // the usual case: one allocation for the context and its actor
		p := &struct {
			c CausalContext
			a [1]ctxActor
		}{}
		c, p.c.actors = &p.c, p.a[:]
	} else {
		c = &CausalContext{actors: make([]ctxActor, n)}
	}
	for i := range c.actors {
		a := &c.actors[i]
		if err := r.tuple("context actor", 3); err != nil {
			return nil, err
		}
		if a.name, err = r.str("actor"); err != nil {
			return nil, err
		}
		if a.max, err = r.uint("max"); err != nil {
			return nil, err
		}
		m, err := r.array("cloud")
		if err != nil {
			return nil, err
		}
		if m > 0 {
			a.cloud = make([]uint64, m)
		}
		for j := range a.cloud {
			if a.cloud[j], err = r.uint("cloud seq"); err != nil {
				return nil, err
			}
		}
		var prev *ctxActor
		if i > 0 {
			prev = &c.actors[i-1]
		}
		if err := checkCtxActor(r.what, prev, a); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (r *reader) dot() (wireDot, error) {
	var w wireDot
	err := r.tuple("dot", 2)
	if err == nil {
		w.A, err = r.uint("dot actor")
	}
	if err == nil {
		w.S, err = r.uint("dot seq")
	}
	return w, err
}

// carve returns m slots cut, capacity-capped, from the slab *spare, first
// replacing the slab with a new one of max(m, size) slots if it is short.
func carve[T any](spare *[]T, m, size int) []T {
	if len(*spare) < m {
		*spare = make([]T, max(m, size))
	}
	s := (*spare)[:m:m]
	*spare = (*spare)[m:]
	return s
}

// slabSize sizes a new slab of registers or counters: as the entries of a
// map mostly hold one write each, about one slot per entry left in the map
// being read, with a quarter more for the writes of nested maps (a map
// entry holds as many as its own map has entries), at most limit.
func (r *reader) slabSize(limit int) int { return min(r.left+r.left/4+2, limit) }

// readFun reads a dot-sorted store into slots carved from spare (a new slab
// has at least size slots): an array of n-element tuples whose first
// element is a dot and the rest read by val, or, when n is 0, an array of
// bare dots. Dots are checked against the root context and for order; as
// the context's actors are sorted, comparing dots is comparing their actor
// indexes, then their sequence numbers.
func readFun[V lattice[V]](r *reader, d dec, spare *[]dotted[V], size int, name string, n int, val func() (V, error)) ([]dotted[V], error) {
	m, err := r.array(name)
	if err != nil || m == 0 {
		return nil, err
	}
	out := carve(spare, m, size)
	var prev wireDot
	for i := range out {
		if n > 0 {
			if err := r.tuple(name, n); err != nil {
				return nil, err
			}
		}
		w, err := r.dot()
		if err != nil {
			return nil, err
		}
		if out[i].dot, err = d.dot(w); err != nil {
			return nil, err
		}
		if i > 0 && (w.A < prev.A || w.A == prev.A && w.S <= prev.S) {
			return nil, corrupt(d.what, "dots not strictly sorted at %v", out[i].dot)
		}
		prev = w
		if out[i].val, err = val(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dotSet reads an array of dots.
func (r *reader) dotSet(d dec, size int) (dotSet, error) {
	return readFun(r, d, &r.dots, size, "dots", 0, func() (unit, error) { return unit{}, nil })
}

// readMap reads a map of string keys, rejecting duplicates; val reads the
// i-th of n values.
func readMap[V any](r *reader, name, keyName string, val func(i, n int) (V, error)) (map[string]V, error) {
	n, err := r.mapLen(name)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make(map[string]V, n)
	var prev string
	sorted := true // keys so far in encoding order, hence distinct
	for i := range n {
		k, err := r.str(keyName)
		if err != nil {
			return nil, err
		}
		if sorted && (i == 0 || compareKeys(prev, k) < 0) {
			prev = k
		} else if _, dup := out[k]; dup {
			return nil, r.fail("%s: duplicate key %q", name, k)
		} else {
			sorted = false
		}
		if out[k], err = val(i, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *reader) set(d dec) (setStore, error) {
	s, err := readMap(r, "set", "set key", func(i, n int) (dotSet, error) {
		ds, err := r.dotSet(d, n-i) // elements mostly have one dot
		if err == nil && len(ds) == 0 {
			err = r.fail("set element without dots")
		}
		return ds, err
	})
	return setStore(s), err
}

func (r *reader) counter(d dec) ([]dotted[pn], error) {
	return readFun(r, d, &r.ctrs, r.slabSize(64), "counter", 3, func() (pn, error) {
		p, err := r.uint("p")
		if err != nil {
			return pn{}, err
		}
		n, err := r.uint("n")
		return pn{P: p, N: n}, err
	})
}

func (r *reader) register(d dec) ([]dotted[LWW], error) {
	return readFun(r, d, &r.regs, r.slabSize(256), "register", 3, func() (LWW, error) {
		var l LWW
		err := r.tuple("timestamp", 3)
		if err == nil {
			l.TS.Wall, err = r.int("wall")
		}
		var logical uint64
		if err == nil {
			logical, err = r.uint("logical")
		}
		if err == nil && logical > math.MaxUint32 {
			err = r.fail("logical %d overflows uint32", logical)
		}
		l.TS.Logical = uint32(logical)
		if err == nil {
			l.TS.Node, err = r.str("node")
		}
		if err == nil {
			l.Value, err = r.raw("value", false)
		}
		return l, err
	})
}

// entry reads {1: register, 2: counter, 3: set, 4: map} into e.
func (r *reader) entry(d dec, depth int, e *entry) error {
	n, err := r.mapLen("entry")
	if err != nil {
		return err
	}
	seen := 0
	for range n {
		k, err := r.uint("entry key")
		if err != nil {
			return err
		}
		if k < 1 || k > 4 {
			return r.fail("unknown entry kind %d", k)
		}
		if seen&(1<<k) != 0 {
			return r.fail("entry kind %d twice", k)
		}
		seen |= 1 << k
		switch k {
		case 1:
			e.reg, err = r.register(d)
		case 2:
			e.ctr, err = r.counter(d)
		case 3:
			e.set, err = r.set(d)
		case 4:
			e.sub, err = r.mapStore(d, depth+1)
		}
		if err != nil {
			return err
		}
	}
	if e.empty() {
		return r.fail("empty map entry")
	}
	return nil
}

// mapStore reads a map store, its entries in one slab.
func (r *reader) mapStore(d dec, depth int) (mapStore, error) {
	if depth > MaxMapDepth {
		return nil, r.fail("maps nested deeper than %d", MaxMapDepth)
	}
	var slab []entry
	m, err := readMap(r, "map", "map key", func(i, n int) (*entry, error) {
		if i == 0 {
			slab = make([]entry, n)
		}
		r.left = n - i
		e := &slab[i]
		return e, r.entry(d, depth, e)
	})
	return mapStore(m), err
}
