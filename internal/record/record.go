package record

import (
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
)

// Record is one stored entity: its type (the bucket name, e.g. BucketVM),
// the schema version its fields follow, and the fields themselves as an
// observed-remove map. Records returned by this package never have nil
// Fields.
type Record struct {
	Type   string
	Schema uint32
	Fields *crdt.ORMap
}

// Stamp says who makes a change and when: Actor takes the dots (one
// sequential writer per actor, such as the vnode applying the write) and TS
// orders register writes.
type Stamp struct {
	Actor string
	TS    crdt.Timestamp
}

// New returns an empty record of type typ at the current schema version of
// the built-in registry (1 for types it does not know).
func New(typ string) *Record { return builtin.newRecord(typ) }

// newRecord returns an empty record of type typ at g's current schema
// version (1 for types g does not know).
func (g *Registry) newRecord(typ string) *Record {
	v := uint32(1)
	if e, ok := g.Entity(typ); ok {
		v = e.Version
	}
	return &Record{Type: typ, Schema: v, Fields: &crdt.ORMap{}}
}

// Clone returns a deep copy of r.
func (r *Record) Clone() *Record {
	return &Record{Type: r.Type, Schema: r.Schema, Fields: r.Fields.Clone()}
}

// Equal reports whether r and o are the same record state.
func (r *Record) Equal(o *Record) bool {
	return r.Type == o.Type && r.Schema == o.Schema && r.Fields.Equal(o.Fields)
}

// delta wraps a fields delta as a record of r's type and schema.
func (r *Record) delta(d crdt.ORMap) *Record {
	return &Record{Type: r.Type, Schema: r.Schema, Fields: &d}
}

// expect checks that r is of type typ.
func (r *Record) expect(typ string) error {
	if r.Type != typ {
		return fmt.Errorf("record: %q is not a %q: %w", r.Type, typ, ErrType)
	}
	return nil
}

// mergeFields joins o's fields into r, with the higher schema version.
func (r *Record) mergeFields(o *Record) {
	r.Fields.Merge(o.Fields)
	r.Schema = max(r.Schema, o.Schema)
}
