package record

import (
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
)

// testSchemaBump names one entity type whose schema a test build raises by
// one version, to rehearse a live upgrade between two builds of the same
// code as if the second had changed that type's schema. It is set only by
// the linker:
//
//	go build -ldflags "-X github.com/fifogo/fifo/internal/record.testSchemaBump=user" ./cmd/fifo
//
// and is empty in every other build (make build and make release never set
// it; a release manifest's schemas show the bump). A bumped build upgrades
// older records of the type with a step that changes nothing but the
// version, and writes BumpField into every record of the type it creates,
// a field that builds without the bump do not know. Nothing writes this
// variable at run time.
var testSchemaBump string

// BumpField is the register a schema-bumped test build writes into each new
// record of the bumped type, holding the bumped schema version.
const BumpField = "schema_bump"

// entitiesFor returns FiFo's entities with type bump's schema raised by one
// version (see testSchemaBump); bump "" returns them as they are.
func entitiesFor(bump string) ([]*Entity, error) {
	es, err := entities()
	if err != nil || bump == "" {
		return es, err
	}
	for _, e := range es {
		if e.Type == bump {
			e.Version++
			e.Upgrades = append(e.Upgrades, bumpUpgrade)
			e.marker = BumpField
			return es, nil
		}
	}
	return nil, fmt.Errorf("record: schema bump of unknown entity type %q", bump)
}

// bumpUpgrade is the upgrade step of a schema bump: the fields stay as
// they are, only the record's version moves.
func bumpUpgrade(*Record) error { return nil }

// stampMarker writes e's marker register (a bumped build's BumpField) into
// the new record r; entities without a marker are left alone.
func (e *Entity) stampMarker(r *Record, st Stamp) error {
	if e.marker == "" {
		return nil
	}
	b, err := crdt.EncMode().Marshal(e.Version)
	if err != nil {
		return fmt.Errorf("record %s: %s: %w", r.Type, e.marker, err)
	}
	r.Fields.SetLWW(st.Actor, e.marker, st.TS, b)
	return nil
}
