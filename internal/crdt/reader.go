package crdt

import (
	"bytes"
	"math"
	"unicode/utf8"
)

// reader decodes the wire form described in wire.go straight into stores,
// without intermediate wire structs. It runs only on input that the
// structure decoding mode has found well formed and within its limits
// (nesting depth, array and map sizes, no trailing bytes), and still checks
// every length against the bytes left. It accepts definite lengths only, and
// byte or UTF-8 text strings wherever a string is expected.
type reader struct {
	b    []byte
	what string
}

func (r *reader) fail(format string, args ...any) error { return corrupt(r.what, format, args...) }

// head reads an item head and returns its major type and argument.
func (r *reader) head() (major byte, arg uint64, err error) {
	if len(r.b) == 0 {
		return 0, 0, r.fail("unexpected end of input")
	}
	ib := r.b[0]
	major, ai := ib&0xe0, ib&0x1f
	r.b = r.b[1:]
	switch {
	case ai < 24:
		return major, uint64(ai), nil
	case ai <= 27:
		n := 1 << (ai - 24)
		if len(r.b) < n {
			return 0, 0, r.fail("unexpected end of input")
		}
		for _, c := range r.b[:n] {
			arg = arg<<8 | uint64(c)
		}
		r.b = r.b[n:]
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
	if n > uint64(len(r.b)) {
		return 0, r.fail("%s: %d elements in %d bytes", name, n, len(r.b))
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
	if m != majorBytes && (!text || m != 3<<5) {
		return nil, r.fail("%s: unexpected major type %d", name, m>>5)
	}
	if n > uint64(len(r.b)) {
		return nil, r.fail("%s: %d bytes past the end", name, n)
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	if m != majorBytes && !utf8.Valid(s) {
		return nil, r.fail("%s: invalid UTF-8", name)
	}
	return s, nil
}

func (r *reader) str(name string) (string, error) {
	b, err := r.raw(name, true)
	return string(b), err
}

// context reads a causal context and checks that it is canonical.
func (r *reader) context() (*CausalContext, error) {
	n, err := r.array("context")
	if err != nil {
		return nil, err
	}
	w := make([]wireCtxActor, n)
	for i := range w {
		if err := r.tuple("context actor", 3); err != nil {
			return nil, err
		}
		if w[i].Actor, err = r.str("actor"); err != nil {
			return nil, err
		}
		if w[i].Max, err = r.uint("max"); err != nil {
			return nil, err
		}
		m, err := r.array("cloud")
		if err != nil {
			return nil, err
		}
		w[i].Cloud = make([]uint64, m)
		for j := range w[i].Cloud {
			if w[i].Cloud[j], err = r.uint("cloud seq"); err != nil {
				return nil, err
			}
		}
	}
	return contextFromWire(r.what, w)
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

// readFun reads a dot-sorted store: an array of n-element tuples whose
// first element is a dot and the rest read by val, or, when n is 0, an array
// of bare dots.
func readFun[V lattice[V]](r *reader, d dec, name string, n int, val func() (V, error)) ([]dotted[V], error) {
	m, err := r.array(name)
	if err != nil || m == 0 {
		return nil, err
	}
	out := make([]dotted[V], m)
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
		if out[i].dot, err = nextDot(d, w, out[:i]); err != nil {
			return nil, err
		}
		if out[i].val, err = val(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dotSet reads an array of dots.
func (r *reader) dotSet(d dec) (dotSet, error) {
	return readFun(r, d, "dots", 0, func() (unit, error) { return unit{}, nil })
}

// readMap reads a map of string keys, rejecting duplicates.
func readMap[V any](r *reader, name string, val func() (V, error)) (map[string]V, error) {
	n, err := r.mapLen(name)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make(map[string]V, n)
	for range n {
		k, err := r.str(name + " key")
		if err != nil {
			return nil, err
		}
		if _, dup := out[k]; dup {
			return nil, r.fail("%s: duplicate key %q", name, k)
		}
		if out[k], err = val(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *reader) set(d dec) (setStore, error) {
	s, err := readMap(r, "set", func() (dotSet, error) {
		ds, err := r.dotSet(d)
		if err == nil && len(ds) == 0 {
			err = r.fail("set element without dots")
		}
		return ds, err
	})
	return setStore(s), err
}

func (r *reader) counter(d dec) ([]dotted[pn], error) {
	return readFun(r, d, "counter", 3, func() (pn, error) {
		p, err := r.uint("p")
		if err != nil {
			return pn{}, err
		}
		n, err := r.uint("n")
		return pn{P: p, N: n}, err
	})
}

func (r *reader) register(d dec) ([]dotted[LWW], error) {
	return readFun(r, d, "register", 3, func() (LWW, error) {
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
		var node []byte
		if err == nil {
			node, err = r.raw("node", true)
		}
		l.TS.Node = d.intern(node)
		if err == nil {
			l.Value, err = r.raw("value", false)
		}
		return l, err
	})
}

// entry reads {1: register, 2: counter, 3: set, 4: map}.
func (r *reader) entry(d dec, depth int) (*entry, error) {
	n, err := r.mapLen("entry")
	if err != nil {
		return nil, err
	}
	var e entry
	seen := 0
	for range n {
		k, err := r.uint("entry key")
		if err != nil {
			return nil, err
		}
		if k < 1 || k > 4 {
			return nil, r.fail("unknown entry kind %d", k)
		}
		if seen&(1<<k) != 0 {
			return nil, r.fail("entry kind %d twice", k)
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
			return nil, err
		}
	}
	if e.empty() {
		return nil, r.fail("empty map entry")
	}
	return &e, nil
}

func (r *reader) mapStore(d dec, depth int) (mapStore, error) {
	if depth > MaxMapDepth {
		return nil, r.fail("maps nested deeper than %d", MaxMapDepth)
	}
	m, err := readMap(r, "map", func() (*entry, error) { return r.entry(d, depth) })
	return mapStore(m), err
}

// decodeStore reads [context, store] with body reading the store.
func decodeStore[S any](what string, data []byte, body func(r *reader, d dec) (S, error)) (*CausalContext, S, error) {
	var zero S
	if len(data) > MaxEncodedSize {
		return nil, zero, corrupt(what, "%d bytes exceeds %d", len(data), MaxEncodedSize)
	}
	if err := structDec.Wellformed(data); err != nil {
		return nil, zero, corrupt(what, "%v", err)
	}
	// Register values alias the input: read from a private copy, so that the
	// caller may reuse its buffer.
	r := &reader{b: bytes.Clone(data), what: what}
	if err := r.tuple(what, 2); err != nil {
		return nil, zero, err
	}
	cc, err := r.context()
	if err != nil {
		return nil, zero, err
	}
	s, err := body(r, dec{cc: cc, what: what})
	if err != nil {
		return nil, zero, err
	}
	if len(r.b) != 0 {
		return nil, zero, corrupt(what, "%d trailing bytes", len(r.b))
	}
	return cc, s, nil
}
