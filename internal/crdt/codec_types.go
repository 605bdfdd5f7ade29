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
	const what = "orset"
	var w wireORSet
	if err := decodeWire(what, data, &w); err != nil {
		return err
	}
	cc, err := contextFromWire(what, w.Ctx)
	if err != nil {
		return err
	}
	elems, err := dec{cc: cc, what: what}.set(w.Elems)
	if err != nil {
		return err
	}
	*s = ORSet{cc: cc, elems: elems}
	return nil
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
	const what = "pncounter"
	var w wireCounter
	if err := decodeWire(what, data, &w); err != nil {
		return err
	}
	cc, err := contextFromWire(what, w.Ctx)
	if err != nil {
		return err
	}
	dots, err := dec{cc: cc, what: what}.ctr(w.Dots)
	if err != nil {
		return err
	}
	*c = PNCounter{cc: cc, dots: dots}
	return nil
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
	const what = "ormap"
	var w wireORMap
	if err := decodeWire(what, data, &w); err != nil {
		return err
	}
	cc, err := contextFromWire(what, w.Ctx)
	if err != nil {
		return err
	}
	entries, err := dec{cc: cc, what: what}.mapStore(w.Entries, 1)
	if err != nil {
		return err
	}
	*m = ORMap{cc: cc, entries: entries}
	return nil
}
