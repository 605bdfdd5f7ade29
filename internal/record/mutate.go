package record

import (
	"fmt"
	"maps"
	"slices"

	"github.com/fifogo/fifo/internal/crdt"
)

// The mutators below change r in place and return the delta to replicate: a
// record of r's type and schema holding only the change. Field names and
// kinds are checked against the built-in schema of r's type; records of
// types it does not know accept any field.

// check verifies that name is a field of r's type with one of the kinds.
func (r *Record) check(name string, kinds ...FieldKind) error {
	e, ok := builtin.Entity(r.Type)
	if !ok {
		return nil
	}
	f, ok := e.Field(name)
	if !ok {
		return fmt.Errorf("record %s: field %q: %w", r.Type, name, ErrUnknownField)
	}
	if !slices.Contains(kinds, f.Kind) {
		return fmt.Errorf("record %s: field %q is a %v field: %w", r.Type, name, f.Kind, ErrKind)
	}
	return nil
}

// encode returns the deterministic CBOR encoding of a field value.
func (r *Record) encode(name string, v any) ([]byte, error) {
	b, err := crdt.EncMode().Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("record %s: field %q: %w: %w", r.Type, name, ErrInvalid, err)
	}
	return b, nil
}

// SetField writes value (any CBOR-encodable Go value) into the register
// field name.
func (r *Record) SetField(st Stamp, name string, value any) (*Record, error) {
	if err := r.check(name, LWW); err != nil {
		return nil, err
	}
	b, err := r.encode(name, value)
	if err != nil {
		return nil, err
	}
	return r.delta(r.Fields.SetLWW(st.Actor, name, st.TS, b)), nil
}

// RemoveField removes field name, whatever its kind, with everything under
// it.
func (r *Record) RemoveField(name string) (*Record, error) {
	if err := r.check(name, LWW, Set, Map, Counters); err != nil {
		return nil, err
	}
	return r.delta(r.Fields.Remove(name)), nil
}

// AddToSet adds elem to the set field name. Elements are compared by their
// deterministic CBOR encoding.
func (r *Record) AddToSet(st Stamp, name string, elem any) (*Record, error) {
	if err := r.check(name, Set); err != nil {
		return nil, err
	}
	b, err := r.encode(name, elem)
	if err != nil {
		return nil, err
	}
	return r.delta(r.Fields.UpdateSet(name, func(s *crdt.ORSet) crdt.ORSet {
		return s.Add(st.Actor, string(b))
	})), nil
}

// RemoveFromSet removes elem from the set field name; removing an absent
// element is a no-op with an empty delta.
func (r *Record) RemoveFromSet(name string, elem any) (*Record, error) {
	if err := r.check(name, Set); err != nil {
		return nil, err
	}
	b, err := r.encode(name, elem)
	if err != nil {
		return nil, err
	}
	if !r.setContains(name, string(b)) {
		return r.delta(crdt.ORMap{}), nil
	}
	return r.delta(r.Fields.UpdateSet(name, func(s *crdt.ORSet) crdt.ORSet {
		return s.Remove(string(b))
	})), nil
}

func (r *Record) setContains(name, elem string) bool {
	v, ok := r.Fields.GetKind(name, crdt.KindSet)
	return ok && v.Set.Contains(elem)
}

// SetMapEntry writes value at path inside the map field name (FiFo's
// "metadata set"). A map[string]any value is written as nested entries,
// one register per leaf; any other value is one register.
func (r *Record) SetMapEntry(st Stamp, name string, path []string, value any) (*Record, error) {
	if err := r.check(name, Map); err != nil {
		return nil, err
	}
	if len(path) == 0 {
		return nil, fmt.Errorf("record %s: field %q: empty map path: %w", r.Type, name, ErrInvalid)
	}
	var leaves []leaf
	if err := r.flatten(name, path, value, &leaves); err != nil {
		return nil, err
	}
	var d crdt.ORMap
	for _, l := range leaves {
		ld := r.Fields.UpdateMap(name, func(m *crdt.ORMap) crdt.ORMap {
			return setIn(m, st, l.path, l.value)
		})
		d.Merge(&ld)
	}
	return r.delta(d), nil
}

// leaf is one register to write inside a map field.
type leaf struct {
	path  []string
	value []byte
}

// flatten lists the registers that writing v at path makes, in key order.
func (r *Record) flatten(name string, path []string, v any, out *[]leaf) error {
	if m, ok := v.(map[string]any); ok {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := r.flatten(name, append(slices.Clip(path), k), m[k], out); err != nil {
				return err
			}
		}
		return nil
	}
	b, err := r.encode(name, v)
	if err != nil {
		return err
	}
	*out = append(*out, leaf{path: path, value: b})
	return nil
}

func setIn(m *crdt.ORMap, st Stamp, path []string, value []byte) crdt.ORMap {
	if len(path) == 1 {
		return m.SetLWW(st.Actor, path[0], st.TS, value)
	}
	return m.UpdateMap(path[0], func(sub *crdt.ORMap) crdt.ORMap { return setIn(sub, st, path[1:], value) })
}

// RemoveMapEntry removes path, and everything under it, from the map or
// counters field name; a missing path is a no-op with an empty delta.
func (r *Record) RemoveMapEntry(name string, path []string) (*Record, error) {
	if err := r.check(name, Map, Counters); err != nil {
		return nil, err
	}
	if len(path) == 0 {
		return nil, fmt.Errorf("record %s: field %q: empty map path: %w", r.Type, name, ErrInvalid)
	}
	if !hasPath(r.Fields, append([]string{name}, path...)) {
		return r.delta(crdt.ORMap{}), nil
	}
	return r.delta(r.Fields.UpdateMap(name, func(m *crdt.ORMap) crdt.ORMap { return removeIn(m, path) })), nil
}

// hasPath reports whether path leads through nested maps to a present key.
func hasPath(m *crdt.ORMap, path []string) bool {
	for _, k := range path[:len(path)-1] {
		v, ok := m.GetKind(k, crdt.KindMap)
		if !ok {
			return false
		}
		m = v.Map
	}
	return m.Has(path[len(path)-1])
}

func removeIn(m *crdt.ORMap, path []string) crdt.ORMap {
	if len(path) == 1 {
		return m.Remove(path[0])
	}
	return m.UpdateMap(path[0], func(sub *crdt.ORMap) crdt.ORMap { return removeIn(sub, path[1:]) })
}

// Inc adds n to the counter key of the counters field name.
func (r *Record) Inc(st Stamp, name, key string, n uint64) (*Record, error) {
	return r.count(st, name, key, func(c *crdt.PNCounter) crdt.PNCounter { return c.Inc(st.Actor, n) })
}

// Dec subtracts n from the counter key of the counters field name.
func (r *Record) Dec(st Stamp, name, key string, n uint64) (*Record, error) {
	return r.count(st, name, key, func(c *crdt.PNCounter) crdt.PNCounter { return c.Dec(st.Actor, n) })
}

func (r *Record) count(st Stamp, name, key string, fn func(*crdt.PNCounter) crdt.PNCounter) (*Record, error) {
	if err := r.check(name, Counters); err != nil {
		return nil, err
	}
	return r.delta(r.Fields.UpdateMap(name, func(m *crdt.ORMap) crdt.ORMap {
		return m.UpdateCounter(key, fn)
	})), nil
}
