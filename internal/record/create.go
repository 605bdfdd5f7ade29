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
func create(st Stamp, typ string, v any) (*Record, error) {
	r := New(typ)
	if err := r.write(st, v); err != nil {
		return nil, err
	}
	return r, nil
}

// write applies the non-zero fields of the typed view v to r.
func (r *Record) write(st Stamp, v any) error {
	e, ok := builtin.Entity(r.Type)
	if !ok {
		return fmt.Errorf("record %s: no schema: %w", r.Type, ErrType)
	}
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
