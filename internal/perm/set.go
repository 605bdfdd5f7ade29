package perm

import "slices"

// Set is a set of granted permissions, such as a user's own grants united
// with those of all their roles, kept as a trie for fast checks. The zero
// value is an empty set ready to use; a nil *Set is an empty set for the
// read-only methods. See the package documentation for concurrency.
type Set struct {
	root node
	n    int
}

// node is a trie node: the grants below it share the path from the root.
type node struct {
	lit  map[string]*node // children by literal element ("..." mid-list included)
	one  *node            // child for Wildcard
	end  bool             // a grant ends here
	rest bool             // the grant "path to here" + Ellipsis exists
}

// NewSet returns a set holding the given grants (empty ones are ignored).
func NewSet(grants ...Permission) *Set {
	s := &Set{}
	for _, g := range grants {
		s.Add(g)
	}
	return s
}

// Len returns the number of grants in s.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// Add grants g and reports whether it was not already in s. An empty g
// grants nothing and is ignored (false). The set does not keep g's memory.
func (s *Set) Add(g Permission) bool {
	if len(g) == 0 {
		return false
	}
	n := &s.root
	last := len(g) - 1
	for i, e := range g {
		if i == last && e == Ellipsis {
			if n.rest {
				return false
			}
			n.rest = true
			s.n++
			return true
		}
		n = n.child(e)
	}
	if n.end {
		return false
	}
	n.end = true
	s.n++
	return true
}

// Has reports whether s holds exactly the grant g (no matching involved).
func (s *Set) Has(g Permission) bool {
	if s == nil || len(g) == 0 {
		return false
	}
	n := &s.root
	last := len(g) - 1
	for i, e := range g {
		if i == last && e == Ellipsis {
			return n.rest
		}
		if n = n.get(e); n == nil {
			return false
		}
	}
	return n.end
}

// Remove revokes exactly the grant g and reports whether s held it. Other
// grants that match the same requests are untouched.
func (s *Set) Remove(g Permission) bool {
	if s == nil || len(g) == 0 || !s.root.remove(g) {
		return false
	}
	s.n--
	return true
}

// RevokePrefix removes every grant that starts with prefix, compared
// literally (HasPrefix), and returns how many it removed. Deleting a VM
// revokes the prefixes ["vms", UUID] and ["channels", UUID]. A wildcard in
// prefix is a literal too: ["vms","_"] removes ["vms","_","get"] but not
// ["vms","u1","get"]. An empty prefix removes nothing (not everything), so
// a missing UUID cannot wipe a user's grants.
func (s *Set) RevokePrefix(prefix Permission) int {
	if s == nil || len(prefix) == 0 {
		return 0
	}
	k := s.root.revoke(prefix)
	s.n -= k
	return k
}

// Allowed reports whether any grant in s matches requested (see Match). An
// empty request is never allowed, and a nil or empty set allows nothing.
func (s *Set) Allowed(requested Permission) bool {
	if s == nil || len(requested) == 0 {
		return false
	}
	return s.root.allows(requested)
}

// List returns a copy of the grants in s, sorted element by element
// (slices.Compare), nil for an empty set.
func (s *Set) List() []Permission {
	if s.Len() == 0 {
		return nil
	}
	out := make([]Permission, 0, s.n)
	s.root.collect(nil, &out)
	slices.SortFunc(out, func(a, b Permission) int { return slices.Compare(a, b) })
	return out
}

// get returns the child of n for element e, or nil.
func (n *node) get(e string) *node {
	if e == Wildcard {
		return n.one
	}
	return n.lit[e]
}

// child returns the child of n for element e, creating it if needed.
func (n *node) child(e string) *node {
	if c := n.get(e); c != nil {
		return c
	}
	c := &node{}
	if e == Wildcard {
		n.one = c
		return c
	}
	if n.lit == nil {
		n.lit = make(map[string]*node)
	}
	n.lit[e] = c
	return c
}

// drop removes the child of n for element e.
func (n *node) drop(e string) {
	if e == Wildcard {
		n.one = nil
		return
	}
	delete(n.lit, e)
}

// empty reports whether no grant ends at or below n.
func (n *node) empty() bool {
	return !n.end && !n.rest && n.one == nil && len(n.lit) == 0
}

// allows reports whether a grant at or below n matches p, the rest of the
// request below n. Each trie node is visited at most once per request.
func (n *node) allows(p Permission) bool {
	if len(p) == 0 {
		return n.end
	}
	if n.rest {
		return true
	}
	if c := n.lit[p[0]]; c != nil && c.allows(p[1:]) {
		return true
	}
	return n.one != nil && n.one.allows(p[1:])
}

// remove deletes the grant g below n, pruning nodes left empty, and
// reports whether it was there.
func (n *node) remove(g Permission) bool {
	switch {
	case len(g) == 0:
		ok := n.end
		n.end = false
		return ok
	case len(g) == 1 && g[0] == Ellipsis:
		ok := n.rest
		n.rest = false
		return ok
	}
	c := n.get(g[0])
	if c == nil || !c.remove(g[1:]) {
		return false
	}
	if c.empty() {
		n.drop(g[0])
	}
	return true
}

// revoke deletes every grant below n that starts with prefix (non-empty)
// and returns how many it deleted.
func (n *node) revoke(prefix Permission) int {
	k := 0
	if len(prefix) == 1 && prefix[0] == Ellipsis && n.rest {
		// The grant "path to here" + Ellipsis starts with the prefix.
		n.rest = false
		k++
	}
	c := n.get(prefix[0])
	if c == nil {
		return k
	}
	if len(prefix) == 1 {
		k += c.count()
	} else {
		k += c.revoke(prefix[1:])
	}
	if len(prefix) == 1 || c.empty() {
		n.drop(prefix[0])
	}
	return k
}

// count returns the number of grants at or below n.
func (n *node) count() int {
	k := 0
	if n.end {
		k++
	}
	if n.rest {
		k++
	}
	if n.one != nil {
		k += n.one.count()
	}
	for _, c := range n.lit {
		k += c.count()
	}
	return k
}

// collect appends to out every grant at or below n, whose path is pfx.
func (n *node) collect(pfx Permission, out *[]Permission) {
	if n.end {
		*out = append(*out, slices.Clone(pfx))
	}
	if n.rest {
		*out = append(*out, append(slices.Clone(pfx), Ellipsis))
	}
	if n.one != nil {
		n.one.collect(append(pfx, Wildcard), out)
	}
	for e, c := range n.lit {
		c.collect(append(pfx, e), out)
	}
}
