package crdt

import (
	"fmt"
	"strings"
)

// This file converts causal contexts and dot stores to and from their wire
// form. The layout, all CBOR with Go strings as byte strings:
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

type wireReg struct {
	_     struct{} `cbor:",toarray"`
	Dot   wireDot
	TS    wireTS
	Value []byte
}

type wireCtr struct {
	_   struct{} `cbor:",toarray"`
	Dot wireDot
	P   uint64
	N   uint64
}

type wireEntry struct {
	Reg []wireReg            `cbor:"1,keyasint,omitempty"`
	Ctr []wireCtr            `cbor:"2,keyasint,omitempty"`
	Set map[string][]wireDot `cbor:"3,keyasint,omitempty"`
	Map map[string]wireEntry `cbor:"4,keyasint,omitempty"`
}

func (c *CausalContext) wire() []wireCtxActor {
	if c == nil {
		return nil
	}
	out := make([]wireCtxActor, len(c.actors))
	for i, a := range c.actors {
		out[i] = wireCtxActor{Actor: a.name, Max: a.max, Cloud: a.cloud}
	}
	return out
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

// enc converts stores to wire form, numbering actors by their index in the
// root context.
type enc struct{ cc *CausalContext }

func (e enc) dot(d Dot) (wireDot, error) {
	i, ok := e.cc.find(d.Actor)
	if !ok || !e.cc.Contains(d) {
		return wireDot{}, fmt.Errorf("crdt: encode: dot %v outside the causal context", d)
	}
	return wireDot{A: uint64(i), S: d.Seq}, nil
}

func (e enc) dotSet(s dotSet) ([]wireDot, error) {
	out := make([]wireDot, len(s))
	for i, x := range s {
		w, err := e.dot(x.dot)
		if err != nil {
			return nil, err
		}
		out[i] = w
	}
	return out, nil
}

func (e enc) set(s setStore) (map[string][]wireDot, error) {
	if len(s) == 0 {
		return nil, nil
	}
	out := make(map[string][]wireDot, len(s))
	for k, ds := range s {
		w, err := e.dotSet(ds)
		if err != nil {
			return nil, err
		}
		out[k] = w
	}
	return out, nil
}

func (e enc) ctr(s []dotted[pn]) ([]wireCtr, error) {
	if len(s) == 0 {
		return nil, nil
	}
	out := make([]wireCtr, len(s))
	for i, x := range s {
		w, err := e.dot(x.dot)
		if err != nil {
			return nil, err
		}
		out[i] = wireCtr{Dot: w, P: x.val.P, N: x.val.N}
	}
	return out, nil
}

func (e enc) entry(en *entry) (wireEntry, error) {
	var w wireEntry
	var err error
	if len(en.reg) > 0 {
		w.Reg = make([]wireReg, len(en.reg))
		for i, x := range en.reg {
			d, err := e.dot(x.dot)
			if err != nil {
				return w, err
			}
			w.Reg[i] = wireReg{Dot: d, TS: x.val.TS.wire(), Value: x.val.Value}
		}
	}
	if w.Ctr, err = e.ctr(en.ctr); err != nil {
		return w, err
	}
	if w.Set, err = e.set(en.set); err != nil {
		return w, err
	}
	w.Map, err = e.mapStore(en.sub)
	return w, err
}

func (e enc) mapStore(m mapStore) (map[string]wireEntry, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]wireEntry, len(m))
	for k, en := range m {
		w, err := e.entry(en)
		if err != nil {
			return nil, err
		}
		out[k] = w
	}
	return out, nil
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

// fun decodes a dot-sorted store of n wire items, item i given by at(i).
func decodeFun[V lattice[V]](d dec, n int, at func(i int) (wireDot, V)) ([]dotted[V], error) {
	if n == 0 {
		return nil, nil
	}
	out := make([]dotted[V], n)
	for i := range n {
		w, v := at(i)
		dt, err := d.dot(w)
		if err != nil {
			return nil, err
		}
		if i > 0 && out[i-1].dot.Compare(dt) >= 0 {
			return nil, corrupt(d.what, "dots not strictly sorted at %v", dt)
		}
		out[i] = dotted[V]{dot: dt, val: v}
	}
	return out, nil
}

func (d dec) set(w map[string][]wireDot) (setStore, error) {
	if len(w) == 0 {
		return nil, nil
	}
	out := make(setStore, len(w))
	for k, ws := range w {
		if len(ws) == 0 {
			return nil, corrupt(d.what, "set element without dots")
		}
		ds, err := decodeFun(d, len(ws), func(i int) (wireDot, unit) { return ws[i], unit{} })
		if err != nil {
			return nil, err
		}
		out[k] = ds
	}
	return out, nil
}

func (d dec) ctr(w []wireCtr) ([]dotted[pn], error) {
	return decodeFun(d, len(w), func(i int) (wireDot, pn) { return w[i].Dot, pn{P: w[i].P, N: w[i].N} })
}

func (d dec) entry(w wireEntry, depth int) (*entry, error) {
	var e entry
	var err error
	if e.reg, err = decodeFun(d, len(w.Reg), func(i int) (wireDot, LWW) {
		return w.Reg[i].Dot, LWW{TS: w.Reg[i].TS.timestamp(), Value: w.Reg[i].Value}
	}); err != nil {
		return nil, err
	}
	if e.ctr, err = d.ctr(w.Ctr); err != nil {
		return nil, err
	}
	if e.set, err = d.set(w.Set); err != nil {
		return nil, err
	}
	if e.sub, err = d.mapStore(w.Map, depth+1); err != nil {
		return nil, err
	}
	if e.empty() {
		return nil, corrupt(d.what, "empty map entry")
	}
	return &e, nil
}

func (d dec) mapStore(w map[string]wireEntry, depth int) (mapStore, error) {
	if len(w) == 0 {
		return nil, nil
	}
	if depth > MaxMapDepth {
		return nil, corrupt(d.what, "maps nested deeper than %d", MaxMapDepth)
	}
	out := make(mapStore, len(w))
	for k, we := range w {
		e, err := d.entry(we, depth)
		if err != nil {
			return nil, err
		}
		out[k] = e
	}
	return out, nil
}
