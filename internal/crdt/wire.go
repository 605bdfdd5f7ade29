package crdt

import "strings"

// This file defines the wire form of causal contexts and dot stores and
// converts it back to stores, checking every invariant. appender.go writes
// it. The layout, all CBOR with Go strings as byte strings:
//
//	context   = [* [actor, max, [* seq]]]      actors sorted, canonical
//	dot       = [actor index, seq]             index into the context
//	register  = [* [dot, [wall, logical, node], value]]
//	counter   = [* [dot, p, n]]
//	set       = {* element => [+ dot]}
//	entry     = {? 1 => register, ? 2 => counter, ? 3 => set, ? 4 => map}
//	map       = {* key => entry}
//
// Dot lists are sorted; maps are sorted by the encoder (core deterministic).

type wireCtxActor struct {
	_     struct{} `cbor:",toarray"`
	Actor string
	Max   uint64
	Cloud []uint64
}

// contextFromWire rebuilds a context, rejecting any non-canonical form.
func contextFromWire(what string, w []wireCtxActor) (*CausalContext, error) {
	c := &CausalContext{actors: make([]ctxActor, len(w))}
	for i, a := range w {
		if i > 0 && strings.Compare(w[i-1].Actor, a.Actor) >= 0 {
			return nil, corrupt(what, "context actors not strictly sorted at %q", a.Actor)
		}
		if a.Max == 0 && len(a.Cloud) == 0 {
			return nil, corrupt(what, "context actor %q has no dot", a.Actor)
		}
		prev := a.Max + 1
		for _, s := range a.Cloud {
			if s <= prev {
				return nil, corrupt(what, "context actor %q: cloud seq %d not above %d", a.Actor, s, prev)
			}
			prev = s
		}
		c.actors[i] = ctxActor{name: a.Actor, max: a.Max, cloud: a.Cloud}
	}
	return c, nil
}

// dec converts wire stores back, checking every invariant against the
// root context.
type dec struct {
	cc   *CausalContext
	what string
}

func (d dec) dot(w wireDot) (Dot, error) {
	if w.A >= uint64(len(d.cc.actors)) {
		return Dot{}, corrupt(d.what, "dot actor index %d out of range", w.A)
	}
	dt := Dot{Actor: d.cc.actors[w.A].name, Seq: w.S}
	if !d.cc.Contains(dt) {
		return Dot{}, corrupt(d.what, "dot %v outside the causal context", dt)
	}
	return dt, nil
}

// nextDot resolves w as the entry that follows prev in a dot-sorted store.
func nextDot[V lattice[V]](d dec, w wireDot, prev []dotted[V]) (Dot, error) {
	dt, err := d.dot(w)
	if err == nil && len(prev) > 0 && prev[len(prev)-1].dot.Compare(dt) >= 0 {
		err = corrupt(d.what, "dots not strictly sorted at %v", dt)
	}
	return dt, err
}

// intern returns b as a string, sharing the context's copy when b names
// one of its actors (as timestamps' nodes usually do).
func (d dec) intern(b []byte) string {
	lo, hi := 0, len(d.cc.actors)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch name := d.cc.actors[mid].name; {
		case name == string(b):
			return name
		case name < string(b):
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return string(b)
}
