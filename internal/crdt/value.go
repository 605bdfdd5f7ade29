package crdt

// Kind names the type of a value nested in an ORMap.
type Kind uint8

// The kinds of nested value, in ascending precedence (see ORMap.Get).
const (
	KindNone Kind = iota
	KindLWW
	KindCounter
	KindSet
	KindMap
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindLWW:
		return "lww"
	case KindCounter:
		return "counter"
	case KindSet:
		return "set"
	case KindMap:
		return "map"
	}
	return "none"
}

// Value is a value read from an ORMap: a union in which exactly one member
// is set. The nested ORSet, PNCounter and ORMap are views that share
// storage, and the causal context, with the map they were read from: query
// them, but change them only through the map's Update methods, and never
// merge them into other states (they are not standalone states).
type Value struct {
	LWW     *LWW
	Counter *PNCounter
	Set     *ORSet
	Map     *ORMap
}

// Kind returns the kind of the member that is set, or KindNone when none or
// more than one is.
func (v Value) Kind() Kind {
	k, n := KindNone, 0
	if v.LWW != nil {
		k, n = KindLWW, n+1
	}
	if v.Counter != nil {
		k, n = KindCounter, n+1
	}
	if v.Set != nil {
		k, n = KindSet, n+1
	}
	if v.Map != nil {
		k, n = KindMap, n+1
	}
	if n != 1 {
		return KindNone
	}
	return k
}
