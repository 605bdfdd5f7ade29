package crdt

// This file implements cbor.Marshaler and cbor.Unmarshaler for the dot-store
// types and the causal context. Each encodes as [context, store].

// MarshalCBOR encodes c as its sorted list of [actor, max, cloud].
func (c *CausalContext) MarshalCBOR() ([]byte, error) {
	a := appender{cc: c}
	a.context()
	return a.buf, nil
}

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
	return encodeStore(s.cc, func(a *appender) error { return a.set(s.elems) })
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (s *ORSet) UnmarshalCBOR(data []byte) error {
	cc, elems, err := decodeStore("orset", data, func(r *reader, d dec) (setStore, error) {
		return r.set(d)
	})
	if err == nil {
		*s = ORSet{cc: cc, elems: elems}
	}
	return err
}

// MarshalCBOR encodes c as [context, [[dot, p, n]...]].
func (c *PNCounter) MarshalCBOR() ([]byte, error) {
	return encodeStore(c.cc, func(a *appender) error { return a.counter(c.dots) })
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (c *PNCounter) UnmarshalCBOR(data []byte) error {
	cc, dots, err := decodeStore("pncounter", data, func(r *reader, d dec) ([]dotted[pn], error) {
		return r.counter(d)
	})
	if err == nil {
		*c = PNCounter{cc: cc, dots: dots}
	}
	return err
}

// MarshalCBOR encodes m as [context, {key => entry}], entries as described
// in wire.go.
func (m *ORMap) MarshalCBOR() ([]byte, error) {
	return encodeStore(m.cc, func(a *appender) error { return a.mapStore(m.entries) })
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (m *ORMap) UnmarshalCBOR(data []byte) error {
	cc, entries, err := decodeStore("ormap", data, func(r *reader, d dec) (mapStore, error) {
		return r.mapStore(d, 1)
	})
	if err == nil {
		*m = ORMap{cc: cc, entries: entries}
	}
	return err
}
