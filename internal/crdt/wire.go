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
		c.actors[i] = ctxActor{name: a.Actor, max: a.Max, cloud: a.Cloud}
		var prev *ctxActor
		if i > 0 {
			prev = &c.actors[i-1]
		}
		if err := checkCtxActor(what, prev, &c.actors[i]); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkCtxActor checks an actor entry of a decoded context, and its order
// after the entry before it (nil for the first).
func checkCtxActor(what string, prev, a *ctxActor) error {
	if prev != nil && strings.Compare(prev.name, a.name) >= 0 {
		return corrupt(what, "context actors not strictly sorted at %q", a.name)
	}
	if a.max == 0 && len(a.cloud) == 0 {
		return corrupt(what, "context actor %q has no dot", a.name)
	}
	p := a.max + 1
	for _, s := range a.cloud {
		if s <= p {
			return corrupt(what, "context actor %q: cloud seq %d not above %d", a.name, s, p)
		}
		p = s
	}
	return nil
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
	a := &d.cc.actors[w.A]
	dt := Dot{Actor: a.name, Seq: w.S}
	if !a.has(w.S) {
		return Dot{}, corrupt(d.what, "dot %v outside the causal context", dt)
	}
	return dt, nil
}
