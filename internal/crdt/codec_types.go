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

// encodeSize is the buffer size MarshalCBOR starts with.
const encodeSize = 1024

// MarshalCBOR encodes s as [context, {element => [dot...]}].
func (s *ORSet) MarshalCBOR() ([]byte, error) {
	a := appender{buf: make([]byte, 0, encodeSize), cc: s.cc}
	a.start()
	if err := a.set(s.elems); err != nil {
		return nil, err
	}
	return a.buf, nil
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (s *ORSet) UnmarshalCBOR(data []byte) error {
	var r reader
	cc, err := r.start("orset", data, false)
	if err != nil {
		return err
	}
	elems, err := r.set(dec{cc: cc, what: r.what})
	if err == nil {
		err = r.end()
	}
	if err == nil {
		*s = ORSet{cc: cc, elems: elems}
	}
	return err
}

// MarshalCBOR encodes c as [context, [[dot, p, n]...]].
func (c *PNCounter) MarshalCBOR() ([]byte, error) {
	a := appender{buf: make([]byte, 0, encodeSize), cc: c.cc}
	a.start()
	if err := a.counter(c.dots); err != nil {
		return nil, err
	}
	return a.buf, nil
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR.
func (c *PNCounter) UnmarshalCBOR(data []byte) error {
	var r reader
	cc, err := r.start("pncounter", data, false)
	if err != nil {
		return err
	}
	dots, err := r.counter(dec{cc: cc, what: r.what})
	if err == nil {
		err = r.end()
	}
	if err == nil {
		*c = PNCounter{cc: cc, dots: dots}
	}
	return err
}

// MarshalCBOR encodes m as [context, {key => entry}], entries as described
// in wire.go.
func (m *ORMap) MarshalCBOR() ([]byte, error) {
	return m.AppendCBOR(make([]byte, 0, encodeSize))
}

// AppendCBOR appends the encoding of MarshalCBOR to dst and returns the
// extended buffer; on error it returns nil.
func (m *ORMap) AppendCBOR(dst []byte) ([]byte, error) {
	a := appender{buf: dst, cc: m.cc}
	a.start()
	if err := a.mapStore(m.entries); err != nil {
		return nil, err
	}
	return a.buf, nil
}

// UnmarshalCBOR decodes the encoding of MarshalCBOR. It accepts any
// encoding of a valid state that follows the wire form, canonical or not
// (non-shortest heads, text strings for byte strings, unsorted keys, empty
// slots); MarshalCBOR of the result is canonical.
func (m *ORMap) UnmarshalCBOR(data []byte) error { return m.unmarshal(data, false) }

// UnmarshalCBORShared is UnmarshalCBOR without the private copy of data
// that UnmarshalCBOR makes: register values of m alias data, which must
// therefore not change while m, or any state m is merged into, is in use.
// It saves a copy when the decoded state is short-lived.
func (m *ORMap) UnmarshalCBORShared(data []byte) error { return m.unmarshal(data, true) }

func (m *ORMap) unmarshal(data []byte, shared bool) error {
	var r reader
	cc, err := r.start("ormap", data, shared)
	if err != nil {
		return err
	}
	entries, err := r.mapStore(dec{cc: cc, what: r.what}, 1)
	if err == nil {
		err = r.end()
	}
	if err == nil {
		*m = ORMap{cc: cc, entries: entries}
	}
	return err
}
