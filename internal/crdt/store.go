package crdt

// This file holds the dot stores of Almeida et al. ("Delta State Replicated
// Data Types", §6): maps from dots to lattice values, joined under the causal
// contexts of the two states being merged. A dot present on both sides is
// kept (values joined); a dot present on one side only is kept unless the
// other side has seen it, in which case the other side removed it.
//
// Slices held by stores are never modified after they are stored: every
// change builds a new slice. States, their clones and their deltas may
// therefore share them freely. Maps are mutable and never shared.

// lattice is a join-semilattice value held at a dot.
type lattice[V any] interface {
	join(V) V
	eq(V) bool
}

// dotted is one entry of a dot store: a dot and the value it carries.
type dotted[V lattice[V]] struct {
	dot Dot
	val V
}

// unit is the value of a plain dot set.
type unit struct{}

func (unit) join(unit) unit { return unit{} }
func (unit) eq(unit) bool   { return true }

// dotSet is a set of dots, sorted.
type dotSet = []dotted[unit]

// joinFun joins two dot-sorted stores a (under context ca) and b (under cb).
// It returns a itself, or a prefix of it, when the join adds nothing to a.
func joinFun[V lattice[V]](a, b []dotted[V], ca, cb *CausalContext) []dotted[V] {
	var out []dotted[V] // nil while the result is still a[:k]
	k := 0
	emit := func(x dotted[V]) {
		if out == nil {
			if k < len(a) && a[k].dot == x.dot && a[k].val.eq(x.val) {
				k++
				return
			}
			out = make([]dotted[V], k, len(a)+len(b))
			copy(out, a[:k])
		}
		out = append(out, x)
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].dot.Compare(b[j].dot) < 0):
			if !cb.Contains(a[i].dot) {
				emit(a[i])
			}
			i++
		case i == len(a) || b[j].dot.Compare(a[i].dot) < 0:
			if !ca.Contains(b[j].dot) {
				emit(b[j])
			}
			j++
		default:
			emit(dotted[V]{dot: a[i].dot, val: a[i].val.join(b[j].val)})
			i++
			j++
		}
	}
	if out == nil {
		return a[:k:k]
	}
	return out
}

// absorbsFun reports whether joinFun(a, b, ca, cb) would return a store
// equal to a: every dot only a holds is unseen by cb, every dot only b
// holds is seen by ca, and joining the values of shared dots changes none.
func absorbsFun[V lattice[V]](a, b []dotted[V], ca, cb *CausalContext) bool {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].dot.Compare(b[j].dot) < 0):
			if cb.Contains(a[i].dot) {
				return false // removed by b
			}
			i++
		case i == len(a) || b[j].dot.Compare(a[i].dot) < 0:
			if !ca.Contains(b[j].dot) {
				return false // new to a
			}
			j++
		default:
			if !a[i].val.join(b[j].val).eq(a[i].val) {
				return false
			}
			i++
			j++
		}
	}
	return true
}

// absorbsKeyed reports whether joinKeyed(dst, src, ...) would leave dst
// unchanged, absorbs(d, s) reporting it for one key (d is the zero V where
// dst lacks the key).
func absorbsKeyed[V any](dst, src map[string]V, absorbs func(d, s V) bool) bool {
	shared := 0
	var zero V
	for k, sv := range src {
		dv, ok := dst[k]
		if ok {
			shared++
		}
		if !absorbs(dv, sv) {
			return false
		}
	}
	if shared == len(dst) {
		return true
	}
	for k, dv := range dst {
		if _, done := src[k]; !done && !absorbs(dv, zero) {
			return false
		}
	}
	return true
}

// absorbsSet reports whether joinSet(dst, src, cd, cs) would leave dst
// unchanged.
func absorbsSet(dst, src setStore, cd, cs *CausalContext) bool {
	return absorbsKeyed(dst, src, func(d, s dotSet) bool { return absorbsFun(d, s, cd, cs) })
}

// filterFun returns the entries of a whose dots c has not seen: the join of
// a with an empty store under context c.
func filterFun[V lattice[V]](a []dotted[V], c *CausalContext) []dotted[V] {
	return joinFun(a, nil, nil, c)
}

// insertDotted returns a copy of s with x inserted in dot order.
func insertDotted[V lattice[V]](s []dotted[V], x dotted[V]) []dotted[V] {
	out := make([]dotted[V], 0, len(s)+1)
	i := 0
	for i < len(s) && s[i].dot.Compare(x.dot) < 0 {
		out = append(out, s[i])
		i++
	}
	out = append(out, x)
	return append(out, s[i:]...)
}

// equalFun reports whether two stores hold the same dots and values.
func equalFun[V lattice[V]](a, b []dotted[V]) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].dot != b[i].dot || !a[i].val.eq(b[i].val) {
			return false
		}
	}
	return true
}

// setStore is the store of an ORSet: element → dots that added it.
type setStore map[string]dotSet

// joinKeyed joins the keyed store src into dst, allocating dst when nil.
// join merges a key of src into dst's value (ok reports whether dst had
// the key); filter drops from a key only dst has whatever src's context has
// seen. Both report whether anything is left under the key.
func joinKeyed[V any](dst, src map[string]V, join func(d V, ok bool, s V) (V, bool), filter func(V) (V, bool)) map[string]V {
	if dst == nil && len(src) > 0 {
		dst = make(map[string]V, len(src))
	}
	had, shared := len(dst), 0
	for k, sv := range src {
		dv, ok := dst[k]
		if ok {
			shared++
		}
		if v, keep := join(dv, ok, sv); keep {
			dst[k] = v
		} else {
			delete(dst, k)
		}
	}
	if shared == had {
		return dst // no key of dst is missing from src
	}
	for k, dv := range dst {
		if _, done := src[k]; done {
			continue
		}
		if v, keep := filter(dv); keep {
			dst[k] = v
		} else {
			delete(dst, k)
		}
	}
	return dst
}

// joinSet joins src (under cs) into dst (under cd) and returns dst.
func joinSet(dst, src setStore, cd, cs *CausalContext) setStore {
	return joinKeyed(dst, src,
		func(d dotSet, _ bool, s dotSet) (dotSet, bool) {
			r := joinFun(d, s, cd, cs)
			return r, len(r) > 0
		},
		func(d dotSet) (dotSet, bool) {
			r := filterFun(d, cs)
			return r, len(r) > 0
		})
}

// cloneSet copies the map of s; the dot slices are shared.
func cloneSet(s setStore) setStore {
	if len(s) == 0 {
		return nil
	}
	out := make(setStore, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

func equalSet(a, b setStore) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || !equalFun(av, bv) {
			return false
		}
	}
	return true
}

// dotsOfSet adds every dot of s to c.
func dotsOfSet(s setStore, c *CausalContext) {
	for _, ds := range s {
		for _, x := range ds {
			c.Add(x.dot)
		}
	}
}
