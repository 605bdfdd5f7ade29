package record

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/fifogo/fifo/internal/crdt"
)

// FieldKind is the CRDT type of a field.
type FieldKind uint8

// The field kinds of the FiFo data model.
const (
	// LWW is a last-writer-wins register holding one CBOR value.
	LWW FieldKind = iota + 1
	// Set is an add-wins set of CBOR-encoded elements.
	Set
	// Map is a tree of nested maps whose leaves are registers.
	Map
	// Counters is a map from key to counter (FiFo's CMap).
	Counters
)

// String returns the kind's name as written in struct tags.
func (k FieldKind) String() string {
	switch k {
	case LWW:
		return "lww"
	case Set:
		return "set"
	case Map:
		return "map"
	case Counters:
		return "counters"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// crdtKind is the kind of the value the field keeps in the fields map.
func (k FieldKind) crdtKind() crdt.Kind {
	switch k {
	case LWW:
		return crdt.KindLWW
	case Set:
		return crdt.KindSet
	case Map, Counters:
		return crdt.KindMap
	}
	return crdt.KindNone
}

// Field is one entry of an entity's field schema.
type Field struct {
	Name string
	Kind FieldKind
	// index is the Go struct field of the typed view that holds it.
	index []int
}

// fieldsOf derives a field schema from the `record:"name,kind"` tags of the
// struct type t, checking that each Go type fits its kind.
func fieldsOf(t reflect.Type) ([]Field, error) {
	var out []Field
	for _, sf := range reflect.VisibleFields(t) {
		tag, ok := sf.Tag.Lookup("record")
		if !ok {
			continue
		}
		name, kindName, _ := strings.Cut(tag, ",")
		f := Field{Name: name, index: sf.Index}
		for k := LWW; k <= Counters; k++ {
			if k.String() == kindName {
				f.Kind = k
			}
		}
		if name == "" || f.Kind == 0 {
			return nil, fmt.Errorf("record: %s.%s: bad tag %q", t.Name(), sf.Name, tag)
		}
		if err := checkGoType(f.Kind, sf.Type); err != nil {
			return nil, fmt.Errorf("record: %s.%s: %w", t.Name(), sf.Name, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func checkGoType(k FieldKind, t reflect.Type) error {
	typeAnyMap, typeCounts := reflect.TypeFor[map[string]any](), reflect.TypeFor[map[string]int64]()
	switch {
	case k == Set && t.Kind() != reflect.Slice:
		return fmt.Errorf("set field of type %v, want a slice", t)
	case k == Map && t != typeAnyMap:
		return fmt.Errorf("map field of type %v, want %v", t, typeAnyMap)
	case k == Counters && t != typeCounts:
		return fmt.Errorf("counters field of type %v, want %v", t, typeCounts)
	}
	return nil
}

// Upgrade moves a record's fields from one schema version to the next. It
// must be deterministic and derive anything it needs (timestamps included)
// from the record itself, and it should only rewrite register values in
// place (crdt.ORMap.TransformLWW), so that upgrading commutes with merging.
type Upgrade func(r *Record) error

// Entity describes one entity type.
type Entity struct {
	// Type is the entity type and bucket name.
	Type string
	// Version is the current schema version, from 1.
	Version uint32
	// Upgrades[k-1] upgrades version k to k+1; there are Version-1.
	Upgrades []Upgrade
	// Fields is the field schema, in the typed view's field order.
	Fields []Field
	// marker names a register that every record this build creates of the
	// type carries without its schema declaring it: BumpField in a
	// schema-bumped test build (testSchemaBump), "" otherwise.
	marker string
}

// Field returns the schema entry of the named field.
func (e *Entity) Field(name string) (Field, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// entity builds the Entity of a typed view type V.
func entity[V any](typ string, version uint32, upgrades ...Upgrade) (*Entity, error) {
	t := reflect.TypeFor[V]()
	fields, err := fieldsOf(t)
	if err != nil {
		return nil, err
	}
	if version == 0 || len(upgrades) != int(version)-1 {
		return nil, fmt.Errorf("record: %s: version %d with %d upgrades", typ, version, len(upgrades))
	}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.Name] {
			return nil, fmt.Errorf("record: %s: field %q declared twice", typ, f.Name)
		}
		seen[f.Name] = true
	}
	return &Entity{Type: typ, Version: version, Upgrades: upgrades, Fields: fields}, nil
}
