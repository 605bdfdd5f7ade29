package record

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/crdt/crdttest"
	"pgregory.net/rapid"
)

// The functions below are the codec as it was before the hand-written
// header and MergeBytes's fast paths: the reference those are checked
// against. The CBOR library decodes and encodes the header, the fields are
// decoded with UnmarshalCBOR (itself checked against a reference decoder in
// package crdt), and MergeBytes always decodes, merges and encodes.

func refUnmarshal(data []byte) (*Record, error) {
	if len(data) > crdt.MaxEncodedSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), crdt.MaxEncodedSize)
	}
	var w wireRecord
	if err := crdt.DecMode().Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if w.Type == "" {
		return nil, fmt.Errorf("%w: empty entity type", ErrCorrupt)
	}
	if w.Schema == 0 {
		return nil, fmt.Errorf("%w: record %s: schema version 0", ErrCorrupt, w.Type)
	}
	fields := &crdt.ORMap{}
	if err := fields.UnmarshalCBOR(w.Fields); err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrCorrupt, w.Type, err)
	}
	return &Record{Type: w.Type, Schema: w.Schema, Fields: fields}, nil
}

func refMarshal(r *Record) ([]byte, error) {
	fields, err := r.Fields.MarshalCBOR()
	if err != nil {
		return nil, fmt.Errorf("record %s: encode: %w", r.Type, err)
	}
	b, err := crdt.EncMode().Marshal(wireRecord{Type: r.Type, Schema: r.Schema, Fields: fields})
	if err != nil {
		return nil, fmt.Errorf("record %s: encode: %w", r.Type, err)
	}
	return b, nil
}

func refLoad(g *Registry, data []byte) (*Record, error) {
	r, err := refUnmarshal(data)
	if err != nil {
		return nil, err
	}
	if err := g.Upgrade(r); err != nil {
		return nil, err
	}
	return r, nil
}

func refMergeBytes(g *Registry, old, delta []byte) ([]byte, error) {
	d, err := refLoad(g, delta)
	if err != nil {
		return nil, err
	}
	if old != nil {
		o, err := refLoad(g, old)
		if err != nil {
			return nil, err
		}
		if o.Type != d.Type {
			return nil, fmt.Errorf("record: merge %q with %q: %w", o.Type, d.Type, ErrType)
		}
		o.mergeFields(d)
		d = o
	}
	return refMarshal(d)
}

// errClass names the sentinel an error wraps, "" for none.
func errClass(err error) string {
	for _, s := range []error{ErrCorrupt, ErrType, ErrUpgrade, ErrInvalid} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

// sameBytes reports a difference between two outcomes that should agree:
// equal bytes, or errors of the same class.
func sameBytes(got []byte, gerr error, want []byte, werr error) error {
	switch {
	case errClass(gerr) != errClass(werr):
		return fmt.Errorf("error %v, reference error %v", gerr, werr)
	case werr == nil && !bytes.Equal(got, want):
		return fmt.Errorf("result\n%x\nreference\n%x", got, want)
	}
	return nil
}

// sameRecord is sameBytes for decoded records.
func sameRecord(got *Record, gerr error, want *Record, werr error) error {
	switch {
	case errClass(gerr) != errClass(werr):
		return fmt.Errorf("error %v, reference error %v", gerr, werr)
	case werr == nil && !got.Equal(want):
		return errors.New("decoded record differs from the reference decoding")
	}
	return nil
}

// checkCodec checks, for one input, every fast path against its reference:
// Unmarshal, Load, Check and MergeBytes(nil, data).
func checkCodec(data []byte) error {
	want, werr := refUnmarshal(data)
	got, gerr := Unmarshal(data)
	if err := sameRecord(got, gerr, want, werr); err != nil {
		return fmt.Errorf("Unmarshal: %w", err)
	}
	if werr == nil {
		if err := Check(data); err != nil {
			return fmt.Errorf("Check rejects what Unmarshal accepts: %w", err)
		}
		b, err := Marshal(want)
		rb, rerr := refMarshal(want)
		if err := sameBytes(b, err, rb, rerr); err != nil {
			return fmt.Errorf("Marshal: %w", err)
		}
	}
	want, werr = refLoad(builtin, data)
	got, gerr = Load(data)
	if err := sameRecord(got, gerr, want, werr); err != nil {
		return fmt.Errorf("Load: %w", err)
	}
	mb, merr := MergeBytes(nil, data)
	rb, rerr := refMergeBytes(builtin, nil, data)
	if err := sameBytes(mb, merr, rb, rerr); err != nil {
		return fmt.Errorf("MergeBytes(nil, delta): %w", err)
	}
	return nil
}

// checkMerge checks MergeBytes(old, delta) against its reference.
func checkMerge(old, delta []byte) error {
	got, gerr := MergeBytes(old, delta)
	want, werr := refMergeBytes(builtin, old, delta)
	if err := sameBytes(got, gerr, want, werr); err != nil {
		return fmt.Errorf("MergeBytes(old, delta): %w", err)
	}
	return nil
}

// unknownType is an entity type the built-in registry does not know.
const unknownType = "thing"

var (
	genValues = []any{"x", "running", int64(7), int64(-3), true, false, nil, 1.5,
		map[string]any{"phase": "creating", "secs": int64(5)}, []any{"a", int64(1)}}
	genKeys = []string{"k", "l", "long-key-over-23-bytes-long"}
)

// genHistory runs random mutations and merges of two or three replicas of a
// record of a random entity type (every built-in one, or an unknown one) at
// a random schema version around the current one, and returns every state
// reached and every delta made.
func genHistory(t *rapid.T) (states, deltas []*Record) {
	types := slices.Sorted(func(yield func(string) bool) {
		for typ := range builtin.entities {
			if !yield(typ) {
				return
			}
		}
	})
	typ := rapid.SampledFrom(append(types, unknownType)).Draw(t, "type")
	version := uint32(2)
	var fields []Field
	if e, ok := builtin.Entity(typ); ok {
		version, fields = e.Version, e.Fields
	} else {
		for _, k := range []FieldKind{LWW, Set, Map, Counters} {
			fields = append(fields, Field{Name: "f-" + k.String(), Kind: k})
		}
	}
	base := New(typ)
	base.Schema = rapid.Uint32Range(1, version+1).Draw(t, "schema")
	actors := []string{"vnode-1", "vnode-2", "a-longer-actor-name@10.0.0.3/vnode-3"}[:rapid.IntRange(2, 3).Draw(t, "replicas")]
	replicas := make([]*Record, len(actors))
	for i := range replicas {
		replicas[i] = base.Clone()
	}
	wall := int64(1e18)
	for range rapid.IntRange(0, 14).Draw(t, "steps") {
		i := rapid.IntRange(0, len(replicas)-1).Draw(t, "replica")
		r := replicas[i]
		if rapid.IntRange(0, 4).Draw(t, "merge") == 0 {
			j := rapid.IntRange(0, len(replicas)-1).Draw(t, "from")
			r.mergeFields(replicas[j].Clone())
			states = append(states, r.Clone())
			continue
		}
		wall += rapid.Int64Range(-2, 5).Draw(t, "tick") // concurrent writes may tie
		st := Stamp{Actor: actors[i], TS: crdt.Timestamp{Wall: wall, Node: actors[i]}}
		f := rapid.SampledFrom(fields).Draw(t, "field")
		value := rapid.SampledFrom(genValues).Draw(t, "value")
		key := rapid.SampledFrom(genKeys).Draw(t, "key")
		var d *Record
		var err error
		switch op := rapid.IntRange(0, 9).Draw(t, "op"); {
		case op == 0:
			d, err = r.RemoveField(f.Name)
		case op == 1:
			d = r.delta(r.Fields.SetLWW(st.Actor, "zz-unknown-field", st.TS, []byte{0x61, 'u'}))
		case f.Kind == LWW:
			d, err = r.SetField(st, f.Name, value)
		case f.Kind == Set && op < 7:
			d, err = r.AddToSet(st, f.Name, value)
		case f.Kind == Set:
			d, err = r.RemoveFromSet(f.Name, value)
		case f.Kind == Map && op < 7:
			path := []string{key}
			if op == 6 {
				path = append(path, "sub")
			}
			d, err = r.SetMapEntry(st, f.Name, path, value)
		case f.Kind == Map:
			d, err = r.RemoveMapEntry(f.Name, []string{key})
		case f.Kind == Counters && op < 8:
			d, err = r.Inc(st, f.Name, key, uint64(op))
		default:
			d, err = r.Dec(st, f.Name, key, 2)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", typ, f.Name, err)
		}
		deltas = append(deltas, d)
		states = append(states, r.Clone())
	}
	return append(states, replicas...), deltas
}

// recodeRecord returns another encoding of the canonical record data that
// the reference decoder accepts as the same record: its fields recoded by
// crdttest.Recode, its header with long heads, an indefinite-length array or
// a type in chunks.
func recodeRecord(data []byte, rnd *rand.Rand) ([]byte, error) {
	h, ok := readHeader(data)
	if !ok {
		return nil, errors.New("not a record header")
	}
	fields, err := crdttest.Recode(h.fields, rnd, crdt.MaxMapDepth)
	if err != nil {
		return nil, err
	}
	head := func(b []byte, major byte, n uint64) []byte {
		if rnd.IntN(3) == 0 {
			return append(b, major|27, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
		}
		return appendHead(b, major, n)
	}
	var b []byte
	indefinite := rnd.IntN(4) == 0
	if indefinite {
		b = append(b, majorArray|31)
	} else {
		b = head(b, majorArray, 3)
	}
	if typ := h.typ; rnd.IntN(4) == 0 && len(typ) > 1 {
		cut := 1 + rnd.IntN(len(typ)-1)
		b = append(b, majorText|31)
		b = head(b, majorText, uint64(cut))
		b = append(b, typ[:cut]...)
		b = head(b, majorText, uint64(len(typ)-cut))
		b = append(b, typ[cut:]...)
		b = append(b, 0xff)
	} else {
		b = head(b, majorText, uint64(len(typ)))
		b = append(b, typ...)
	}
	b = head(b, majorUint, h.schema)
	b = append(b, fields...)
	if indefinite {
		b = append(b, 0xff)
	}
	return b, nil
}

// TestFastPathsMatchReference checks Marshal, Unmarshal, Load, Check and
// MergeBytes against the reference codec on random records of every entity
// type, encoded canonically and in other forms the reference accepts, and
// on random pairs of them (new records, updates, dominated and identical
// deltas).
func TestFastPathsMatchReference(t *testing.T) {
	var canonical, recoded, absorbed int
	rapid.Check(t, func(t *rapid.T) {
		states, deltas := genHistory(t)
		seed := rapid.Uint64().Draw(t, "seed")
		rnd := rand.New(rand.NewPCG(seed, 1))
		var encs [][]byte
		for _, r := range append(states, deltas...) {
			b, err := refMarshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := Marshal(r); err != nil || !bytes.Equal(got, b) {
				t.Fatalf("Marshal differs from the reference (%v):\n%x\n%x", err, got, b)
			}
			if e, ok := builtin.Entity(r.Type); !ok || r.Schema >= e.Version {
				canonical++
				if !builtin.canonical(b) {
					t.Fatalf("canonical current record not recognised: %x", b)
				}
			}
			other, err := recodeRecord(b, rnd)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := refUnmarshal(other); err != nil {
				t.Fatalf("reference rejects a recoded record: %v\n%x", err, other)
			}
			if !bytes.Equal(other, b) {
				recoded++
				if builtin.canonical(other) {
					t.Fatalf("recoded record reported canonical: %x", other)
				}
			}
			for _, x := range [][]byte{b, other} {
				if err := checkCodec(x); err != nil {
					t.Fatalf("%v\ninput %x", err, x)
				}
			}
			encs = append(encs, b, other)
		}
		for range 2 * len(encs) {
			old := rapid.SampledFrom(encs).Draw(t, "old")
			delta := rapid.SampledFrom(encs).Draw(t, "delta")
			if rapid.IntRange(0, 5).Draw(t, "same") == 0 {
				delta = old
			}
			if o, err := Load(old); err == nil {
				if d, err := Load(delta); err == nil && o.Fields.Absorbs(d.Fields) {
					absorbed++
				}
			}
			if err := checkMerge(old, delta); err != nil {
				t.Fatalf("%v\nold %x\ndelta %x", err, old, delta)
			}
		}
	})
	t.Logf("%d canonical encodings, %d recoded, %d absorbed deltas", canonical, recoded, absorbed)
}

func TestMergeBytesFastPaths(t *testing.T) {
	must := musts(t)
	vm := must(NewVM(stamp("a", 1e18), VM{UUID: "v1", Alias: "web", Config: map[string]any{"ram": int64(1024)}}))
	data := mustMarshal(t, vm)
	// A new canonical record is its own result, copied.
	got, err := MergeBytes(nil, data)
	if err != nil || !bytes.Equal(got, data) || &got[0] == &data[0] {
		t.Fatalf("new record: %v", err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = MergeBytes(nil, data) }); n != 1 {
		t.Errorf("MergeBytes of a canonical new record: %v allocations, want 1 (the copy)", n)
	}
	// So is a record merged with itself, and with a delta it holds.
	d := must(vm.SetField(stamp("a", 2e18), "state", "stopped"))
	old := mustMarshal(t, vm)
	for _, delta := range [][]byte{old, mustMarshal(t, d)} {
		got, err := MergeBytes(old, delta)
		if err != nil || !bytes.Equal(got, old) || &got[0] == &old[0] {
			t.Fatalf("absorbed delta: %v", err)
		}
	}
	// A schema-1 VM is upgraded, not returned as is.
	v1 := mustMarshal(t, schema1VM(t, true, 1e18))
	if builtin.canonical(v1) {
		t.Fatal("a record to upgrade reported canonical")
	}
	got, err = MergeBytes(nil, v1)
	if err != nil || bytes.Equal(got, v1) {
		t.Fatalf("schema-1 record not upgraded: %v", err)
	}
	if r, err := Load(got); err != nil || r.Schema != 2 {
		t.Fatalf("upgraded record: %v", err)
	}
	// Type mismatches are still errors, even for absorbed deltas.
	org := mustMarshal(t, must(NewOrg(stamp("a", 1), Org{UUID: "o1"})))
	if _, err := MergeBytes(old, org); !errors.Is(err, ErrType) {
		t.Fatalf("merge of another type: %v", err)
	}
}

func TestCheck(t *testing.T) {
	good := mustMarshal(t, musts(t)(NewVM(stamp("a", 1), VM{UUID: "v1", Alias: "x"})))
	if err := Check(good); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"empty":              nil,
		"truncated":          good[:len(good)-3],
		"trailing":           append(bytes.Clone(good), 0),
		"not an array":       {0xa0},
		"two elements":       {0x82, 0x62, 'v', 'm', 0x01},
		"empty type":         {0x83, 0x60, 0x01, 0x82, 0x80, 0xa0},
		"schema 0":           {0x83, 0x62, 'v', 'm', 0x00, 0x82, 0x80, 0xa0},
		"negative schema":    {0x83, 0x62, 'v', 'm', 0x20, 0x82, 0x80, 0xa0},
		"fields not a store": {0x83, 0x62, 'v', 'm', 0x01, 0xa0},
		"tag":                {0x83, 0x62, 'v', 'm', 0x01, 0xc1, 0x82, 0x80, 0xa0},
	} {
		if err := Check(in); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
	// Weaker than Unmarshal: a broken invariant inside the fields passes.
	broken := []byte{0x83, 0x62, 'v', 'm', 0x01, 0x82, 0x80, 0xa1, 0x41, 'k', 0xa0}
	if err := Check(broken); err != nil {
		t.Fatalf("Check looks inside the fields: %v", err)
	}
	if _, err := Unmarshal(broken); !errors.Is(err, ErrCorrupt) {
		t.Fatal("empty entry accepted")
	}
	// Unusual forms Unmarshal accepts pass too.
	indefinite := append(append([]byte{0x9f}, good[1:]...), 0xff)
	if _, err := Unmarshal(indefinite); err != nil {
		t.Fatal(err)
	}
	if err := Check(indefinite); err != nil {
		t.Fatalf("indefinite-length record: %v", err)
	}
}

// TestDeepestRecord checks the argument that lets Unmarshal skip the CBOR
// library's well-formedness pass over the whole record: the deepest fields
// the crdt decoder accepts (maps nested crdt.MaxMapDepth deep, with a
// register, a counter and a set at the bottom) are within the library's
// nesting limit once wrapped in a record, so both decoders accept them; one
// level deeper, both reject them.
func TestDeepestRecord(t *testing.T) {
	build := func(depth int) []byte {
		r := New(unknownType)
		var write func(m *crdt.ORMap, left int) crdt.ORMap
		write = func(m *crdt.ORMap, left int) crdt.ORMap {
			if left == 1 {
				d := m.SetLWW("a", "r", crdt.Timestamp{Wall: 1, Node: "a"}, []byte{1})
				d2 := m.UpdateCounter("c", func(c *crdt.PNCounter) crdt.PNCounter { return c.Inc("a", 1) })
				d3 := m.UpdateSet("s", func(s *crdt.ORSet) crdt.ORSet { return s.Add("a", "e") })
				d.Merge(&d2)
				d.Merge(&d3)
				return d
			}
			return m.UpdateMap("k", func(sub *crdt.ORMap) crdt.ORMap { return write(sub, left-1) })
		}
		write(r.Fields, depth)
		return mustMarshal(t, r)
	}
	deepest := build(crdt.MaxMapDepth)
	if _, err := refUnmarshal(deepest); err != nil {
		t.Fatalf("reference rejects the deepest record: %v", err)
	}
	if err := checkCodec(deepest); err != nil {
		t.Fatal(err)
	}
	if !builtin.canonical(deepest) {
		t.Fatal("deepest record not canonical")
	}
	tooDeep := build(crdt.MaxMapDepth + 1)
	if _, err := Unmarshal(tooDeep); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("too deep: %v", err)
	}
	if err := checkCodec(tooDeep); err != nil {
		t.Fatal(err)
	}
}
