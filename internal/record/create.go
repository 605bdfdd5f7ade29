package record

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
)

// create returns a new record of type typ holding the non-zero fields of
// the typed view v: registers set, set elements added, map entries written
// and counters moved to their values. A new record is also the delta that
// creates it.
func create(st Stamp, typ string, v any) (*Record, error) { return builtin.create(st, typ, v) }

// create is the package's create with g's schema of typ.
func (g *Registry) create(st Stamp, typ string, v any) (*Record, error) {
	e, ok := g.Entity(typ)
	if !ok {
		return nil, fmt.Errorf("record %s: no schema: %w", typ, ErrType)
	}
	r := g.newRecord(typ)
	if err := r.write(e, st, v); err != nil {
		return nil, err
	}
	if err := e.stampMarker(r, st); err != nil {
		return nil, err
	}
	return r, nil
}

// write applies the non-zero fields of the typed view v, whose schema is
// e, to r.
func (r *Record) write(e *Entity, st Stamp, v any) error {
	src := reflect.ValueOf(v)
	for _, f := range e.Fields {
		fv := src.FieldByIndex(f.index)
		if fv.IsZero() {
			continue
		}
		if err := r.writeField(st, f, fv); err != nil {
			return err
		}
	}
	return nil
}

func (r *Record) writeField(st Stamp, f Field, v reflect.Value) error {
	var err error
	switch f.Kind {
	case LWW:
		_, err = r.SetField(st, f.Name, v.Interface())
	case Set:
		for i := range v.Len() {
			if _, err = r.AddToSet(st, f.Name, v.Index(i).Interface()); err != nil {
				return err
			}
		}
	case Map:
		m := v.Interface().(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if _, err = r.SetMapEntry(st, f.Name, []string{k}, m[k]); err != nil {
				return err
			}
		}
	case Counters:
		m := v.Interface().(map[string]int64)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if n := m[k]; n >= 0 {
				_, err = r.Inc(st, f.Name, k, uint64(n))
			} else {
				_, err = r.Dec(st, f.Name, k, uint64(-n))
			}
			if err != nil {
				return err
			}
		}
	}
	return err
}
