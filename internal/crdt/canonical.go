package crdt

import (
	"bytes"
	"math"
	"slices"
)

// IsCanonicalORMap reports whether data is, byte for byte, the encoding
// MarshalCBOR gives of a valid state: if it is, UnmarshalCBOR accepts data
// and MarshalCBOR of the decoded map returns data unchanged. It checks every
// invariant and limit UnmarshalCBOR checks, and on top of them the
// canonical form (shortest heads, byte strings, keys in encoding order, no
// empty slots), but builds no state: it allocates nothing unless the
// context has many actors or a long dot cloud.
//
// A false result says nothing about validity: decode to know. Callers use
// it to skip a decode and re-encode whose result would equal the input.
func IsCanonicalORMap(data []byte) bool {
	if len(data) > MaxEncodedSize {
		return false
	}
	var actors [8]scanActor
	var seqs [32]uint64
	s := scanner{b: data}
	if !s.exact(majorArray, 2) {
		return false
	}
	var ok bool
	if s.actors, s.seqs, ok = s.context(actors[:0], seqs[:0]); !ok {
		return false
	}
	return s.mapStore(1, true) && s.i == len(s.b)
}

// scanner checks that its input is a canonical encoding (see
// IsCanonicalORMap). Each method reads one item and reports whether it is
// canonical and valid; after a false result the scanner's state is
// meaningless.
type scanner struct {
	b      []byte      // input
	i      int         // offset of the next item (an int: no write barrier)
	actors []scanActor // the context read so far
	seqs   []uint64    // the dot clouds of actors, one after the other
}

// scanActor is one actor of the context: its version vector entry and its
// cloud, seqs[lo:hi].
type scanActor struct {
	max    uint64
	lo, hi int
}

// head reads an item head of the given major type in its shortest form.
func (s *scanner) head(major byte) (uint64, bool) {
	if i := s.i; i < len(s.b) && s.b[i]-major < 24 { // value in the initial byte
		s.i++
		return uint64(s.b[i] - major), true
	}
	return s.longHead(major)
}

// longHead is head for arguments that follow the initial byte.
func (s *scanner) longHead(major byte) (uint64, bool) {
	b := s.b[s.i:]
	if len(b) == 0 || b[0]&0xe0 != major {
		return 0, false
	}
	ai := b[0] & 0x1f
	if ai < 24 || ai > 27 {
		return 0, false // ai < 24 was head's case
	}
	n := 1 << (ai - 24)
	if len(b) <= n {
		return 0, false
	}
	var arg uint64
	for _, c := range b[1 : 1+n] {
		arg = arg<<8 | uint64(c)
	}
	s.i += 1 + n
	// The shortest form of arg uses the width used: 24 and up take one
	// byte, 2^8 and up two, 2^16 and up four, 2^32 and up eight.
	var least uint64 = 24
	if ai > 24 {
		least = 1 << (8 << (ai - 25))
	}
	return arg, arg >= least
}

// count reads the head of an array or map with as many items as the
// decoder accepts.
func (s *scanner) count(major byte) (int, bool) {
	n, ok := s.head(major)
	if !ok || n > maxItems || n > uint64(len(s.b)-s.i) {
		return 0, false
	}
	return int(n), true
}

// exact reads the head of an array or map of n items.
func (s *scanner) exact(major byte, n int) bool {
	m, ok := s.count(major)
	return ok && m == n
}

func (s *scanner) uint() (uint64, bool) { return s.head(majorUint) }

// bytes reads a byte string.
func (s *scanner) bytes() ([]byte, bool) {
	n, ok := s.head(majorBytes)
	if !ok || n > uint64(len(s.b)-s.i) {
		return nil, false
	}
	b := s.b[s.i : s.i+int(n)]
	s.i += int(n)
	return b, true
}

// int reads an integer that fits an int64.
func (s *scanner) int() bool {
	if s.i == len(s.b) {
		return false
	}
	major := s.b[s.i] & 0xe0
	if major != majorUint && major != majorNeg {
		return false
	}
	n, ok := s.head(major)
	return ok && n <= math.MaxInt64
}

// context reads a causal context, as the decoder's checkCtxActor checks
// it, and returns its actors and their clouds appended to actors and seqs
// (given, and returned rather than stored, so that they may stay on the
// stack).
func (s *scanner) context(actors []scanActor, seqs []uint64) ([]scanActor, []uint64, bool) {
	n, ok := s.count(majorArray)
	if !ok {
		return nil, nil, false
	}
	var prev []byte
	for i := range n {
		if !s.exact(majorArray, 3) {
			return nil, nil, false
		}
		name, ok := s.bytes()
		if !ok || i > 0 && bytes.Compare(prev, name) >= 0 {
			return nil, nil, false
		}
		prev = name
		a := scanActor{lo: len(seqs)}
		if a.max, ok = s.uint(); !ok {
			return nil, nil, false
		}
		m, ok := s.count(majorArray)
		if !ok || a.max == 0 && m == 0 {
			return nil, nil, false
		}
		p := a.max + 1
		for range m {
			q, ok := s.uint()
			if !ok || q <= p {
				return nil, nil, false
			}
			p = q
			seqs = append(seqs, q)
		}
		a.hi = len(seqs)
		actors = append(actors, a)
	}
	return actors, seqs, true
}

// dot reads the i-th dot of a store: [actor index, seq], seen by the
// context and, as the context's actors are sorted, after prev when it is
// ordered by index, then seq.
func (s *scanner) dot(i int, prev *[2]uint64) bool {
	if !s.exact(majorArray, 2) {
		return false
	}
	a, ok := s.uint()
	if !ok || a >= uint64(len(s.actors)) {
		return false
	}
	q, ok := s.uint()
	if !ok || !s.has(a, q) {
		return false
	}
	if i > 0 && (a < prev[0] || a == prev[0] && q <= prev[1]) {
		return false
	}
	*prev = [2]uint64{a, q}
	return true
}

// has reports whether the context holds the dot (actor index a, seq q).
func (s *scanner) has(a, q uint64) bool {
	x := s.actors[a]
	if q <= x.max {
		return q > 0
	}
	_, ok := slices.BinarySearch(s.seqs[x.lo:x.hi], q)
	return ok
}

// store reads a non-empty dot-sorted store: an array of n-item tuples, a
// dot followed by what val reads, or, when n is 0, of bare dots.
func (s *scanner) store(n int, val func() bool) bool {
	m, ok := s.count(majorArray)
	if !ok || m == 0 {
		return false
	}
	var prev [2]uint64
	for i := range m {
		if n > 0 && !s.exact(majorArray, n) {
			return false
		}
		if !s.dot(i, &prev) || val != nil && !val() {
			return false
		}
	}
	return true
}

// register reads the rest of a register write: [wall, logical, node] and
// the value.
func (s *scanner) register() bool {
	if !s.exact(majorArray, 3) || !s.int() {
		return false
	}
	logical, ok := s.uint()
	if !ok || logical > math.MaxUint32 {
		return false
	}
	_, ok = s.bytes()
	if ok {
		_, ok = s.bytes()
	}
	return ok
}

// counter reads the rest of a counter entry: p and n.
func (s *scanner) counter() bool {
	_, ok := s.uint()
	if ok {
		_, ok = s.uint()
	}
	return ok
}

// keyed reads a map of byte-string keys in encoding order (by length, then
// bytewise; hence distinct), checking each value with val. An empty map is
// canonical only where empty says so.
func (s *scanner) keyed(empty bool, val func() bool) bool {
	n, ok := s.count(majorMap)
	if !ok || n == 0 && !empty {
		return false
	}
	var prev []byte
	for i := range n {
		k, ok := s.bytes()
		if !ok || i > 0 && (len(k) < len(prev) || len(k) == len(prev) && bytes.Compare(prev, k) >= 0) {
			return false
		}
		prev = k
		if !val() {
			return false
		}
	}
	return true
}

// mapStore reads a map store at depth (the root is 1).
func (s *scanner) mapStore(depth int, empty bool) bool {
	return depth <= MaxMapDepth && s.keyed(empty, func() bool { return s.entry(depth) })
}

// entry reads {1: register, 2: counter, 3: set, 4: map}: at least one
// slot, in order, none empty.
func (s *scanner) entry(depth int) bool {
	n, ok := s.count(majorMap)
	if !ok || n == 0 {
		return false
	}
	var last uint64
	for range n {
		k, ok := s.uint()
		if !ok || k <= last || k > 4 {
			return false
		}
		last = k
		switch k {
		case 1:
			ok = s.store(3, s.register)
		case 2:
			ok = s.store(3, s.counter)
		case 3:
			ok = s.keyed(false, func() bool { return s.store(0, nil) })
		case 4:
			ok = s.mapStore(depth+1, false)
		}
		if !ok {
			return false
		}
	}
	return true
}
