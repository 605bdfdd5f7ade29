package crdt

import (
	"maps"
	"slices"
)

// ORSet is an add-wins observed-remove set of strings without tombstones
// (ORSWOT; Bieniusa et al., "An Optimized Conflict-free Replicated Set",
// 2012, in its delta-state form). Each present element carries the dots of
// the adds that put it there; a remove forgets the dots it observed, so an
// add concurrent with a remove wins. Elements are arbitrary byte strings:
// callers store the CBOR encoding of structured elements.
//
// The zero value is an empty set. Copies share storage; use Clone.
type ORSet struct {
	cc    *CausalContext
	elems setStore
}

func (s *ORSet) init() {
	if s.cc == nil {
		s.cc = &CausalContext{}
	}
	if s.elems == nil {
		s.elems = make(setStore)
	}
}

// Add inserts elem with a fresh dot of actor and returns the delta: the new
// dot plus a context covering the dots it supersedes.
func (s *ORSet) Add(actor, elem string) ORSet {
	s.init()
	d := s.cc.next(actor)
	delta := ORSet{cc: &CausalContext{}, elems: setStore{elem: dotSet{{dot: d}}}}
	for _, x := range s.elems[elem] {
		delta.cc.Add(x.dot)
	}
	delta.cc.Add(d)
	s.elems[elem] = delta.elems[elem]
	return delta
}

// Remove deletes elem and returns the delta: an empty store whose context
// holds the dots observed for elem. Removing an absent element yields an
// empty delta.
func (s *ORSet) Remove(elem string) ORSet {
	old, ok := s.elems[elem]
	if !ok {
		return ORSet{}
	}
	delete(s.elems, elem)
	delta := ORSet{cc: &CausalContext{}}
	for _, x := range old {
		delta.cc.Add(x.dot)
	}
	return delta
}

// Contains reports whether elem is in the set.
func (s *ORSet) Contains(elem string) bool {
	_, ok := s.elems[elem]
	return ok
}

// Len returns the number of elements.
func (s *ORSet) Len() int { return len(s.elems) }

// Elements returns the elements in ascending byte order.
func (s *ORSet) Elements() []string {
	return slices.Sorted(maps.Keys(s.elems))
}

// Merge joins o into s.
func (s *ORSet) Merge(o *ORSet) {
	s.init()
	s.elems = joinSet(s.elems, o.elems, s.cc, o.cc)
	s.cc.Merge(o.cc)
}

// Clone returns a deep copy of s.
func (s *ORSet) Clone() *ORSet {
	return &ORSet{cc: s.cc.Clone(), elems: cloneSet(s.elems)}
}

// Equal reports whether s and o are the same state.
func (s *ORSet) Equal(o *ORSet) bool {
	return s.cc.Equal(o.cc) && equalSet(s.elems, o.elems)
}
