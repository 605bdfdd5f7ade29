package crdt

import (
	"maps"
	"slices"
)

// ORMap is an observed-remove map from string keys to nested CRDTs: LWW
// registers, ORSets, PNCounters and ORMaps (Brown et al., "Riak DT Map",
// 2014, in the delta-state dot-store form of Almeida et al.).
//
// One causal context covers the whole tree: nested values are dot stores
// that share it. A key is present while any dot under it survives, so keys
// are add-wins: Remove forgets only the dots it observed, and an update
// concurrent with a removal keeps what that update wrote.
//
// Registers in a map are multi-value underneath: writes that no replica has
// yet seen together are all kept, each at its own dot, and reads pick the
// winner by timestamp. A later write replaces every write it observed. A
// register removed and written again therefore never resurrects an old
// value, whatever its timestamp.
//
// Counters in a map avoid the embedded-counter anomaly (Baquero, Almeida and
// Lerche, PaPoC 2016): each actor's totals sit at that actor's latest dot,
// so removing the field observed-removes those dots and a later write starts
// again from zero. An increment concurrent with the removal re-dots its
// actor's whole running total, so that actor's contribution survives
// entirely while every other actor's observed contribution is reset.
//
// A key normally holds one kind of value; updating it with another kind
// removes what it held. Updates of different kinds made concurrently on two
// replicas are all kept (dropping one would break associativity): Get then
// returns one by a fixed precedence and GetKind reads each.
//
// The zero value is an empty map. Copies share storage; use Clone.
type ORMap struct {
	cc      *CausalContext
	entries mapStore
}

func (m *ORMap) init() {
	if m.cc == nil {
		m.cc = &CausalContext{}
	}
	if m.entries == nil {
		m.entries = make(mapStore)
	}
}

// Len returns the number of keys present.
func (m *ORMap) Len() int { return len(m.entries) }

// Keys returns the keys present, in ascending byte order.
func (m *ORMap) Keys() []string { return slices.Sorted(maps.Keys(m.entries)) }

// Has reports whether key is present.
func (m *ORMap) Has(key string) bool { _, ok := m.entries[key]; return ok }

// Get returns the value at key. If concurrent updates left values of several
// kinds there, the one of highest precedence (map, set, counter, register)
// is returned; GetKind reads a given kind. Nested sets, counters and maps
// share storage with m.
func (m *ORMap) Get(key string) (Value, bool) {
	e, ok := m.entries[key]
	if !ok {
		return Value{}, false
	}
	for k := KindMap; k >= KindLWW; k-- { // kinds in descending precedence
		if e.has(k) {
			return m.view(e, k), true
		}
	}
	return Value{}, false
}

// GetKind returns the value of kind k at key, if there is one.
func (m *ORMap) GetKind(key string, k Kind) (Value, bool) {
	e, ok := m.entries[key]
	if !ok || !e.has(k) {
		return Value{}, false
	}
	return m.view(e, k), true
}

// view wraps the slot of kind k of e as a Value sharing m's storage.
func (m *ORMap) view(e *entry, k Kind) Value {
	switch k {
	case KindLWW:
		l := resolve(e.reg)
		return Value{LWW: &l}
	case KindCounter:
		return Value{Counter: &PNCounter{cc: m.cc, dots: e.ctr}}
	case KindSet:
		return Value{Set: &ORSet{cc: m.cc, elems: e.set}}
	case KindMap:
		return Value{Map: &ORMap{cc: m.cc, entries: e.sub}}
	}
	return Value{}
}

// update runs an update of kind k at key: the slots of other kinds are
// removed first, then fn changes the entry and returns the entry's delta
// and the delta's context.
func (m *ORMap) update(key string, k Kind, fn func(e *entry) (*entry, *CausalContext)) ORMap {
	m.init()
	delta := ORMap{cc: &CausalContext{}}
	e := m.entries[key]
	if e == nil {
		e = &entry{}
	}
	e.dropOthers(k, delta.cc)
	de, dcc := fn(e)
	delta.cc.Merge(dcc)
	if e.empty() {
		delete(m.entries, key)
	} else {
		m.entries[key] = e
	}
	if !de.empty() {
		delta.entries = mapStore{key: de}
	}
	return delta
}

// SetLWW writes value at ts into the register at key, taking a fresh dot of
// actor, and returns the delta. The new write replaces every write of the
// register it observed; it keeps their winner if that is later than ts.
func (m *ORMap) SetLWW(actor, key string, ts Timestamp, value []byte) ORMap {
	return m.update(key, KindLWW, func(e *entry) (*entry, *CausalContext) {
		v := resolve(e.reg)
		v.Merge(LWW{TS: ts, Value: value})
		dcc := &CausalContext{}
		addDots(e.reg, dcc)
		d := m.cc.next(actor)
		dcc.Add(d)
		e.reg = []dotted[LWW]{{dot: d, val: v}}
		return &entry{reg: e.reg}, dcc
	})
}

// UpdateSet applies fn to the set at key (an empty one if absent) and
// returns the delta. fn must change the set only through its delta mutators
// and return the join of the deltas they returned.
func (m *ORMap) UpdateSet(key string, fn func(s *ORSet) ORSet) ORMap {
	return m.update(key, KindSet, func(e *entry) (*entry, *CausalContext) {
		view := ORSet{cc: m.cc, elems: e.set}
		d := fn(&view)
		e.set = view.elems
		return &entry{set: d.elems}, d.cc
	})
}

// UpdateCounter applies fn to the counter at key (a zero one if absent) and
// returns the delta, under the same rules as UpdateSet.
func (m *ORMap) UpdateCounter(key string, fn func(c *PNCounter) PNCounter) ORMap {
	return m.update(key, KindCounter, func(e *entry) (*entry, *CausalContext) {
		view := PNCounter{cc: m.cc, dots: e.ctr}
		d := fn(&view)
		e.ctr = view.dots
		return &entry{ctr: d.dots}, d.cc
	})
}

// UpdateMap applies fn to the map at key (an empty one if absent) and
// returns the delta, under the same rules as UpdateSet.
func (m *ORMap) UpdateMap(key string, fn func(sub *ORMap) ORMap) ORMap {
	return m.update(key, KindMap, func(e *entry) (*entry, *CausalContext) {
		view := ORMap{cc: m.cc, entries: e.sub}
		d := fn(&view)
		e.sub = view.entries
		return &entry{sub: d.entries}, d.cc
	})
}

// Remove deletes key and everything under it, and returns the delta: an
// empty store whose context holds the removed dots.
func (m *ORMap) Remove(key string) ORMap {
	e, ok := m.entries[key]
	if !ok {
		return ORMap{}
	}
	delete(m.entries, key)
	delta := ORMap{cc: &CausalContext{}}
	e.dots(delta.cc)
	return delta
}

// TransformLWW rewrites in place the value of every write of the register
// at path (keys of nested maps, then the register's key), keeping dots and
// timestamps. It is meant for schema upgrades: when fn is a pure function of
// the write, transforming then merging equals merging then transforming, so
// replicas that upgrade independently still converge. A missing path is not
// an error. fn's error is returned unwrapped.
func (m *ORMap) TransformLWW(path []string, fn func(LWW) ([]byte, error)) error {
	if len(path) == 0 {
		return nil
	}
	entries := m.entries
	for _, k := range path[:len(path)-1] {
		e := entries[k]
		if e == nil {
			return nil
		}
		entries = e.sub
	}
	e := entries[path[len(path)-1]]
	if e == nil || len(e.reg) == 0 {
		return nil
	}
	reg := make([]dotted[LWW], len(e.reg))
	for i, x := range e.reg {
		v, err := fn(x.val)
		if err != nil {
			return err
		}
		reg[i] = dotted[LWW]{dot: x.dot, val: LWW{TS: x.val.TS, Value: v}}
	}
	e.reg = reg
	return nil
}

// Merge joins o into m.
func (m *ORMap) Merge(o *ORMap) {
	m.init()
	m.entries = joinMap(m.entries, o.entries, m.cc, o.cc)
	m.cc.Merge(o.cc)
}

// Absorbs reports whether merging o into m would leave m unchanged: m has
// seen every dot o has seen, holds every write o holds, and o removes
// nothing m holds. It changes neither map and allocates nothing.
func (m *ORMap) Absorbs(o *ORMap) bool {
	return m.cc.Includes(o.cc) && absorbsMap(m.entries, o.entries, m.cc, o.cc)
}

// Clone returns a deep copy of m.
func (m *ORMap) Clone() *ORMap {
	return &ORMap{cc: m.cc.Clone(), entries: cloneMap(m.entries)}
}

// Equal reports whether m and o are the same state.
func (m *ORMap) Equal(o *ORMap) bool {
	return m.cc.Equal(o.cc) && equalMap(m.entries, o.entries)
}
