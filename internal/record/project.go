package record

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/fifogo/fifo/internal/crdt"
)

// fromRecord projects r, which must be of type typ, onto the typed view V
// following V's field schema. Absent fields read as zero values; fields not
// in the schema are ignored (and kept in r).
func fromRecord[V any](r *Record, typ string) (V, error) {
	var v V
	if err := r.expect(typ); err != nil {
		return v, err
	}
	e, ok := builtin.Entity(typ)
	if !ok {
		return v, fmt.Errorf("record %s: no schema: %w", typ, ErrType)
	}
	dst := reflect.ValueOf(&v).Elem()
	for _, f := range e.Fields {
		if err := readField(r.Fields, f, dst.FieldByIndex(f.index)); err != nil {
			return v, fmt.Errorf("record %s: field %q: %w", typ, f.Name, err)
		}
	}
	return v, nil
}

// readField stores field f of m into dst.
func readField(m *crdt.ORMap, f Field, dst reflect.Value) error {
	v, ok := m.GetKind(f.Name, f.Kind.crdtKind())
	if !ok {
		return nil
	}
	switch f.Kind {
	case LWW:
		return decodeValue(v.LWW.Value, dst.Addr().Interface())
	case Set:
		return readSet(v.Set, dst)
	case Map:
		out, err := mapToAny(v.Map)
		if err != nil {
			return err
		}
		dst.Set(reflect.ValueOf(out))
	case Counters:
		dst.Set(reflect.ValueOf(counterValues(v.Map)))
	}
	return nil
}

func decodeValue(b []byte, dst any) error {
	if err := crdt.DecMode().Unmarshal(b, dst); err != nil {
		return fmt.Errorf("%w: %v", ErrFieldType, err)
	}
	return nil
}

// readSet decodes every element of s into a slice of dst's type. Strings
// and integers come out sorted; other elements in the order of their
// encodings.
func readSet(s *crdt.ORSet, dst reflect.Value) error {
	elems := s.Elements()
	out := reflect.MakeSlice(dst.Type(), len(elems), len(elems))
	for i, e := range elems {
		if err := decodeValue([]byte(e), out.Index(i).Addr().Interface()); err != nil {
			return err
		}
	}
	switch x := out.Interface().(type) {
	case []string:
		slices.Sort(x)
	case []uint32:
		slices.Sort(x)
	case []int64:
		slices.Sort(x)
	}
	dst.Set(out)
	return nil
}

// mapToAny renders a map field as plain Go values: registers decoded,
// nested maps as map[string]any, counters as int64, sets as []any.
func mapToAny(m *crdt.ORMap) (map[string]any, error) {
	out := make(map[string]any, m.Len())
	for _, k := range m.Keys() {
		v, _ := m.Get(k)
		var x any
		var err error
		switch v.Kind() {
		case crdt.KindLWW:
			err = decodeValue(v.LWW.Value, &x)
		case crdt.KindMap:
			x, err = mapToAny(v.Map)
		case crdt.KindCounter:
			x = v.Counter.Value()
		case crdt.KindSet:
			var elems []any
			err = readSet(v.Set, reflect.ValueOf(&elems).Elem())
			x = elems
		}
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = x
	}
	return out, nil
}

// counterValues reads a counters field: key → counter value.
func counterValues(m *crdt.ORMap) map[string]int64 {
	out := make(map[string]int64, m.Len())
	for _, k := range m.Keys() {
		if v, ok := m.GetKind(k, crdt.KindCounter); ok {
			out[k] = v.Counter.Value()
		}
	}
	return out
}

// ReadField decodes one field of r into dst (a pointer to the field's Go
// type in the typed view, e.g. *string for a register, *[]SSHKey for a
// set), without decoding the others: a reader that needs one field of a
// large record pays for that field only. An absent field leaves dst
// unchanged.
func ReadField(r *Record, name string, dst any) error {
	e, ok := builtin.Entity(r.Type)
	if !ok {
		return fmt.Errorf("record %s: no schema: %w", r.Type, ErrType)
	}
	f, ok := e.Field(name)
	if !ok {
		return fmt.Errorf("record %s: field %q: %w", r.Type, name, ErrUnknownField)
	}
	pv := reflect.ValueOf(dst)
	if pv.Kind() != reflect.Pointer || pv.IsNil() {
		return fmt.Errorf("record %s: field %q: destination is not a pointer: %w", r.Type, name, ErrFieldType)
	}
	if err := readField(r.Fields, f, pv.Elem()); err != nil {
		return fmt.Errorf("record %s: field %q: %w", r.Type, name, err)
	}
	return nil
}
