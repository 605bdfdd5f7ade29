package crdt

// The wire structs below, encoded and decoded by reflection with the
// structure modes, are the reference the appender and the reader are
// checked against: by definition they are the wire form.

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

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

// nextDot resolves w as the entry that follows prev in a dot-sorted store
// (the reader compares actor indexes instead).
func nextDot[V lattice[V]](d dec, w wireDot, prev []dotted[V]) (Dot, error) {
	dt, err := d.dot(w)
	if err == nil && len(prev) > 0 && prev[len(prev)-1].dot.Compare(dt) >= 0 {
		err = corrupt(d.what, "dots not strictly sorted at %v", dt)
	}
	return dt, err
}

// decodeFun decodes a dot-sorted store of n wire items, item i given by at(i).
func decodeFun[V lattice[V]](d dec, n int, at func(i int) (wireDot, V)) ([]dotted[V], error) {
	if n == 0 {
		return nil, nil
	}
	out := make([]dotted[V], n)
	for i := range n {
		w, v := at(i)
		dt, err := nextDot(d, w, out[:i])
		if err != nil {
			return nil, err
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

type wireORMap struct {
	_       struct{} `cbor:",toarray"`
	Ctx     []wireCtxActor
	Entries map[string]wireEntry
}

type wireCounter struct {
	_    struct{} `cbor:",toarray"`
	Ctx  []wireCtxActor
	Dots []wireCtr
}

type wireORSet struct {
	_     struct{} `cbor:",toarray"`
	Ctx   []wireCtxActor
	Elems map[string][]wireDot
}

// wireStore is the wire form of a type encoded as [context, store].
type wireStore interface{ context() []wireCtxActor }

func (w *wireORSet) context() []wireCtxActor   { return w.Ctx }
func (w *wireCounter) context() []wireCtxActor { return w.Ctx }
func (w *wireORMap) context() []wireCtxActor   { return w.Ctx }

// unmarshalStore decodes data into the wire form W, then rebuilds the
// context and, with conv, the store under it.
func unmarshalStore[W any, PW interface {
	*W
	wireStore
}, S any](what string, data []byte, conv func(dec, PW) (S, error)) (*CausalContext, S, error) {
	var zero S
	w := PW(new(W))
	if err := decodeWire(what, data, w); err != nil {
		return nil, zero, err
	}
	cc, err := contextFromWire(what, w.context())
	if err != nil {
		return nil, zero, err
	}
	s, err := conv(dec{cc: cc, what: what}, w)
	if err != nil {
		return nil, zero, err
	}
	return cc, s, nil
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

func (e enc) orMap(m *ORMap) ([]byte, error) {
	entries, err := e.mapStore(m.entries)
	if err != nil {
		return nil, err
	}
	return structEnc.Marshal(wireORMap{Ctx: m.cc.wire(), Entries: entries})
}

func (e enc) orSet(s *ORSet) ([]byte, error) {
	elems, err := e.set(s.elems)
	if err != nil {
		return nil, err
	}
	return structEnc.Marshal(wireORSet{Ctx: s.cc.wire(), Elems: elems})
}

func (e enc) pnCounter(c *PNCounter) ([]byte, error) {
	dots, err := e.ctr(c.dots)
	if err != nil {
		return nil, err
	}
	return structEnc.Marshal(wireCounter{Ctx: c.cc.wire(), Dots: dots})
}

// checkOracle compares the appender with the reference encoder on every
// state of a random history.
func checkOracle[T any](t *testing.T, s subject[T], ref func(T) ([]byte, error)) {
	rapid.Check(t, func(t *rapid.T) {
		h := runHistory(t, s, "h")
		for _, x := range h.pool {
			got, err := s.encode(x)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ref(x)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("appender and reference encoder differ:\n%x\n%x", got, want)
			}
		}
	})
}

func TestAppenderMatchesReferenceEncoder(t *testing.T) {
	t.Run("ormap", func(t *testing.T) {
		checkOracle(t, ormapSubject(), func(m *ORMap) ([]byte, error) { return enc{m.cc}.orMap(m) })
	})
	t.Run("orset", func(t *testing.T) {
		checkOracle(t, orsetSubject(), func(s *ORSet) ([]byte, error) { return enc{s.cc}.orSet(s) })
	})
	t.Run("pncounter", func(t *testing.T) {
		checkOracle(t, counterSubject(), func(c *PNCounter) ([]byte, error) { return enc{c.cc}.pnCounter(c) })
	})
	t.Run("context", func(t *testing.T) {
		checkOracle(t, contextSubject(), func(c *CausalContext) ([]byte, error) { return structEnc.Marshal(c.wire()) })
	})
	t.Run("long keys and big numbers", func(t *testing.T) {
		var m ORMap
		long := string(bytes.Repeat([]byte{'k'}, 300))
		for _, k := range []string{long, "b", "aa", long[:24], long[:23], ""} {
			m.SetLWW("actor-with-a-rather-long-name", k, Timestamp{Wall: -1 << 62, Logical: 1 << 31, Node: long}, bytes.Repeat([]byte{1}, 70000))
		}
		m.UpdateCounter("n", func(c *PNCounter) PNCounter { return c.Inc("a", 1<<40) })
		got, err := m.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		want, err := enc{m.cc}.orMap(&m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatal("appender and reference encoder differ")
		}
	})
}

// Reference decoders: reflection into the wire structs, then conversion.

func oracleORMap(data []byte) (*ORMap, error) {
	cc, e, err := unmarshalStore("ormap", data, func(d dec, w *wireORMap) (mapStore, error) {
		return d.mapStore(w.Entries, 1)
	})
	return &ORMap{cc: cc, entries: e}, err
}

func oracleORSet(data []byte) (*ORSet, error) {
	cc, e, err := unmarshalStore("orset", data, func(d dec, w *wireORSet) (setStore, error) {
		return d.set(w.Elems)
	})
	return &ORSet{cc: cc, elems: e}, err
}

func oraclePNCounter(data []byte) (*PNCounter, error) {
	cc, e, err := unmarshalStore("pncounter", data, func(d dec, w *wireCounter) ([]dotted[pn], error) {
		return d.ctr(w.Dots)
	})
	return &PNCounter{cc: cc, dots: e}, err
}

// checkReaderOracle decodes every state of a random history with both the
// reader and the reference decoder.
func checkReaderOracle[T any](t *testing.T, s subject[T], ref func([]byte) (T, error)) {
	rapid.Check(t, func(t *rapid.T) {
		h := runHistory(t, s, "h")
		for _, x := range h.pool {
			b := mustEncode(t, s, x)
			got, err := s.decode(b)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ref(b)
			if err != nil {
				t.Fatal(err)
			}
			if !s.equal(got, want) || !s.equal(got, x) {
				t.Fatal("reader and reference decoder differ")
			}
		}
	})
}

func TestReaderMatchesReferenceDecoder(t *testing.T) {
	t.Run("ormap", func(t *testing.T) { checkReaderOracle(t, ormapSubject(), oracleORMap) })
	t.Run("orset", func(t *testing.T) { checkReaderOracle(t, orsetSubject(), oracleORSet) })
	t.Run("pncounter", func(t *testing.T) { checkReaderOracle(t, counterSubject(), oraclePNCounter) })
}
