package record

import (
	"bytes"
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
)

// Registry maps entity types to their schema. It is immutable once built
// and safe for concurrent use.
type Registry struct {
	entities map[string]*Entity
}

// NewRegistry builds a registry of the given entities.
func NewRegistry(es ...*Entity) (*Registry, error) {
	g := &Registry{entities: make(map[string]*Entity, len(es))}
	for _, e := range es {
		if _, dup := g.entities[e.Type]; dup {
			return nil, fmt.Errorf("record: entity %q registered twice", e.Type)
		}
		g.entities[e.Type] = e
	}
	return g, nil
}

// Entity returns the schema of type typ.
func (g *Registry) Entity(typ string) (*Entity, bool) {
	e, ok := g.entities[typ]
	return e, ok
}

// Upgrade brings r to the current schema version of its type, in place. A
// record of an unknown type, or of a version newer than known, is left as
// it is.
func (g *Registry) Upgrade(r *Record) error {
	e, ok := g.entities[r.Type]
	if !ok {
		return nil
	}
	if r.Schema == 0 {
		return fmt.Errorf("record %s: schema version 0: %w", r.Type, ErrInvalid)
	}
	for r.Schema < e.Version {
		if err := e.Upgrades[r.Schema-1](r); err != nil {
			return fmt.Errorf("record %s: schema %d to %d: %w: %w", r.Type, r.Schema, r.Schema+1, ErrUpgrade, err)
		}
		r.Schema++
	}
	return nil
}

// Load decodes a record and upgrades it to the current schema.
func (g *Registry) Load(data []byte) (*Record, error) { return g.load(data, false) }

// load is Load; when shared, the record may alias data (see unmarshal).
func (g *Registry) load(data []byte, shared bool) (*Record, error) {
	r, err := unmarshal(data, shared)
	if err != nil {
		return nil, err
	}
	if err := g.Upgrade(r); err != nil {
		return nil, err
	}
	return r, nil
}

// Merge returns the join of a and b, both upgraded first; its schema version
// is the higher of the two. a and b are not changed.
func (g *Registry) Merge(a, b *Record) (*Record, error) {
	if a.Type != b.Type {
		return nil, fmt.Errorf("record: merge %q with %q: %w", a.Type, b.Type, ErrType)
	}
	out, o := a.Clone(), b
	if err := g.Upgrade(out); err != nil {
		return nil, err
	}
	if e, ok := g.entities[b.Type]; ok && b.Schema < e.Version {
		o = b.Clone()
		if err := g.Upgrade(o); err != nil {
			return nil, err
		}
	}
	out.mergeFields(o)
	return out, nil
}

// MergeBytes merges the encoded delta (or whole record) into the encoded
// record old and returns the encoded result; old may be nil when the record
// is absent. This is the store's write path: old ⊔ delta, upgraded. The
// result never shares memory with old or delta.
//
// It returns exactly Marshal of the merge of Load(old) and Load(delta), and
// fails exactly when they do, but avoids the work whose result it can
// predict: a delta that is already a canonical record needing no upgrade is
// the result when old is nil or equal to it (merging is idempotent), and so
// is old, when canonical and current, if it absorbs the delta.
func (g *Registry) MergeBytes(old, delta []byte) ([]byte, error) {
	if (old == nil || bytes.Equal(old, delta)) && g.canonical(delta) {
		return bytes.Clone(delta), nil
	}
	// The decoded records live only until the result is encoded, so they
	// may alias the inputs.
	d, err := g.load(delta, true)
	if err != nil {
		return nil, err
	}
	size := len(delta)
	if old != nil {
		o, err := g.load(old, true)
		if err != nil {
			return nil, err
		}
		if o.Type != d.Type {
			return nil, fmt.Errorf("record: merge %q with %q: %w", o.Type, d.Type, ErrType)
		}
		if d.Schema <= o.Schema && o.Fields.Absorbs(d.Fields) && g.canonical(old) {
			return bytes.Clone(old), nil
		}
		o.mergeFields(d)
		d, size = o, size+len(old)
	}
	return appendRecord(make([]byte, 0, size+64), d)
}

// canonical reports whether data is a record exactly as Marshal encodes it
// and at a schema version g.Load does not upgrade, so that g.Load accepts
// data and Marshal of the loaded record is data again.
func (g *Registry) canonical(data []byte) bool {
	h, ok := readHeader(data)
	if !ok || !h.short || len(h.typ) == 0 || h.schema == 0 || len(data) > crdt.MaxEncodedSize {
		return false
	}
	if e, known := g.entities[string(h.typ)]; known && h.schema < uint64(e.Version) {
		return false
	}
	return crdt.IsCanonicalORMap(h.fields)
}

// builtin holds FiFo's entities (with the test build's schema bump, if
// any). It is built once and never changed.
var builtin = mustRegistry(entitiesFor(testSchemaBump))

func mustRegistry(es []*Entity, err error) *Registry {
	if err != nil {
		panic(err)
	}
	g, err := NewRegistry(es...)
	if err != nil {
		panic(err)
	}
	return g
}

// Builtin returns the registry of FiFo's entity types.
func Builtin() *Registry { return builtin }

// Load decodes a record and upgrades it with the built-in registry.
func Load(data []byte) (*Record, error) { return builtin.Load(data) }

// Merge joins two records with the built-in registry (see Registry.Merge).
func Merge(a, b *Record) (*Record, error) { return builtin.Merge(a, b) }

// MergeBytes merges encoded records with the built-in registry (see
// Registry.MergeBytes).
func MergeBytes(old, delta []byte) ([]byte, error) { return builtin.MergeBytes(old, delta) }
