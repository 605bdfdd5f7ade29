package crdt

// entry is the store under one ORMap key. A key normally holds one kind of
// value, but updates of different kinds made concurrently on two replicas
// both survive the merge (dropping either would break associativity), so an
// entry has a slot per kind. A sequential update of one kind removes the
// others. The key is present while any slot holds a dot.
type entry struct {
	reg []dotted[LWW] // register writes not yet overwritten (normally one)
	set setStore
	ctr []dotted[pn]
	sub mapStore
}

// mapStore is the store of an ORMap: key → entry, never holding an empty
// entry.
type mapStore map[string]*entry

func (e *entry) empty() bool {
	return len(e.reg) == 0 && len(e.set) == 0 && len(e.ctr) == 0 && len(e.sub) == 0
}

// has reports whether the slot of kind k holds anything.
func (e *entry) has(k Kind) bool {
	switch k {
	case KindLWW:
		return len(e.reg) > 0
	case KindSet:
		return len(e.set) > 0
	case KindCounter:
		return len(e.ctr) > 0
	case KindMap:
		return len(e.sub) > 0
	}
	return false
}

// slotDots adds every dot in the slot of kind k to c.
func (e *entry) slotDots(k Kind, c *CausalContext) {
	switch k {
	case KindLWW:
		addDots(e.reg, c)
	case KindSet:
		dotsOfSet(e.set, c)
	case KindCounter:
		addDots(e.ctr, c)
	case KindMap:
		for _, sub := range e.sub {
			sub.dots(c)
		}
	}
}

// clear empties the slot of kind k.
func (e *entry) clear(k Kind) {
	switch k {
	case KindLWW:
		e.reg = nil
	case KindSet:
		e.set = nil
	case KindCounter:
		e.ctr = nil
	case KindMap:
		e.sub = nil
	}
}

// dropOthers empties every slot but keep's, adding the dots it drops to c.
func (e *entry) dropOthers(keep Kind, c *CausalContext) {
	for k := KindLWW; k <= KindMap; k++ {
		if k != keep && e.has(k) {
			e.slotDots(k, c)
			e.clear(k)
		}
	}
}

// dots adds every dot under e to c.
func (e *entry) dots(c *CausalContext) {
	for k := KindLWW; k <= KindMap; k++ {
		e.slotDots(k, c)
	}
}

func addDots[V lattice[V]](s []dotted[V], c *CausalContext) {
	for _, x := range s {
		c.Add(x.dot)
	}
}

// joinEntry joins src (under cs) into dst (under cd).
func joinEntry(dst, src *entry, cd, cs *CausalContext) {
	dst.reg = joinFun(dst.reg, src.reg, cd, cs)
	dst.set = joinSet(dst.set, src.set, cd, cs)
	dst.ctr = joinFun(dst.ctr, src.ctr, cd, cs)
	dst.sub = joinMap(dst.sub, src.sub, cd, cs)
}

// joinMap joins src (under cs) into dst (under cd) and returns dst.
// Entries of src are copied, never shared.
func joinMap(dst, src mapStore, cd, cs *CausalContext) mapStore {
	return joinKeyed(dst, src,
		func(d *entry, ok bool, s *entry) (*entry, bool) {
			if !ok {
				d = &entry{}
			}
			joinEntry(d, s, cd, cs)
			return d, !d.empty()
		},
		func(d *entry) (*entry, bool) {
			filterEntry(d, cs)
			return d, !d.empty()
		})
}

// absorbsMap reports whether joinMap(dst, src, cd, cs) would leave dst
// unchanged.
func absorbsMap(dst, src mapStore, cd, cs *CausalContext) bool {
	return absorbsKeyed(dst, src, func(d, s *entry) bool {
		if d == nil {
			d = &entry{}
		}
		if s == nil {
			s = &entry{}
		}
		return absorbsFun(d.reg, s.reg, cd, cs) && absorbsSet(d.set, s.set, cd, cs) &&
			absorbsFun(d.ctr, s.ctr, cd, cs) && absorbsMap(d.sub, s.sub, cd, cs)
	})
}

// filterEntry drops from e every dot that c has seen.
func filterEntry(e *entry, c *CausalContext) {
	e.reg = filterFun(e.reg, c)
	e.set = joinSet(e.set, nil, nil, c)
	e.ctr = filterFun(e.ctr, c)
	e.sub = joinMap(e.sub, nil, nil, c)
}

// clone returns a deep copy of e; dot slices are shared.
func (e *entry) clone() *entry {
	return &entry{reg: e.reg, set: cloneSet(e.set), ctr: e.ctr, sub: cloneMap(e.sub)}
}

func cloneMap(m mapStore) mapStore {
	if len(m) == 0 {
		return nil
	}
	out := make(mapStore, len(m))
	for k, e := range m {
		out[k] = e.clone()
	}
	return out
}

func (e *entry) equal(o *entry) bool {
	return equalFun(e.reg, o.reg) && equalSet(e.set, o.set) &&
		equalFun(e.ctr, o.ctr) && equalMap(e.sub, o.sub)
}

func equalMap(a, b mapStore) bool {
	if len(a) != len(b) {
		return false
	}
	for k, ae := range a {
		be, ok := b[k]
		if !ok || !ae.equal(be) {
			return false
		}
	}
	return true
}

// resolve returns the winning write among a register's surviving writes.
func resolve(reg []dotted[LWW]) LWW {
	var l LWW
	for _, x := range reg {
		l.Merge(x.val)
	}
	return l
}
