package crdt

// This file implements cbor.Marshaler and cbor.Unmarshaler for the dot-store
// types and the causal context. Each encodes as [context, store].

type wireORSet struct {
	_     struct{} `cbor:",toarray"`
	Ctx   []wireCtxActor
	Elems map[string][]wireDot
}

type wireCounter struct {
	_    struct{} `cbor:",toarray"`
	Ctx  []wireCtxActor
	Dots []wireCtr
}

type wireORMap struct {
	_       struct{} `cbor:",toarray"`
	Ctx     []wireCtxActor
	Entries map[string]wireEntry
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

// MarshalCBOR encodes c as its sorted list of [actor, max, cloud].
func (c *CausalContext) MarshalCBOR() ([]byte, error) { return structEnc.Marshal(c.wire()) }

// UnmarshalCBOR decodes the encoding of MarshalCBOR, rejecting any
// non-canonical context.
func (c *CausalContext) UnmarshalCBOR(data []byte) error {
	var w []wireCtxActor
	if err := decodeWire("context", data, &w); err != nil {
		return err
	}
	got, err := contextFromWire("context", w)
	if err != nil {
		return err
	}
	*c = *got
	return nil
}

// MarshalCBOR encodes s as [context, {element => [dot...]}].
func (s *ORSet) MarshalCBOR() ([]byte, error) {
	elems, err := enc{s.cc}.set(s.elems)
	if err != nil {
		return nil, err
	}
	return structEnc.Marshal(wireORSet{Ctx: s.cc.wire(), Elems: elems})
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (s *ORSet) UnmarshalCBOR(data []byte) error {
	cc, elems, err := unmarshalStore("orset", data, func(d dec, w *wireORSet) (setStore, error) {
		return d.set(w.Elems)
	})
	if err == nil {
		*s = ORSet{cc: cc, elems: elems}
	}
	return err
}

// MarshalCBOR encodes c as [context, [[dot, p, n]...]].
func (c *PNCounter) MarshalCBOR() ([]byte, error) {
	dots, err := enc{c.cc}.ctr(c.dots)
	if err != nil {
		return nil, err
	}
	return structEnc.Marshal(wireCounter{Ctx: c.cc.wire(), Dots: dots})
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (c *PNCounter) UnmarshalCBOR(data []byte) error {
	cc, dots, err := unmarshalStore("pncounter", data, func(d dec, w *wireCounter) ([]dotted[pn], error) {
		return d.ctr(w.Dots)
	})
	if err == nil {
		*c = PNCounter{cc: cc, dots: dots}
	}
	return err
}

// MarshalCBOR encodes m as [context, {key => entry}], entries as described
// in wire.go.
func (m *ORMap) MarshalCBOR() ([]byte, error) {
	entries, err := enc{m.cc}.mapStore(m.entries)
	if err != nil {
		return nil, err
	}
	return structEnc.Marshal(wireORMap{Ctx: m.cc.wire(), Entries: entries})
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (m *ORMap) UnmarshalCBOR(data []byte) error {
	cc, entries, err := unmarshalStore("ormap", data, func(d dec, w *wireORMap) (mapStore, error) {
		return d.mapStore(w.Entries, 1)
	})
	if err == nil {
		*m = ORMap{cc: cc, entries: entries}
	}
	return err
}
