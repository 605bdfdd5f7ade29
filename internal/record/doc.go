// Package record defines FiFo's stored entities. A Record is a generic
// observed-remove map of fields (package crdt) tagged with an entity type and
// a schema version; typed views such as VM and User are read-only
// projections of it, and every change is made by a field-level mutator that
// returns a delta record to replicate.
//
// # Contract
//
//   - Pure: no I/O, no wall clock. Timestamps and actors come in a Stamp
//     (see crdt's rules on actors: one sequential writer per actor name).
//   - Lossless: fields this code does not know are kept untouched by Load,
//     Merge, MergeBytes and Marshal, so nodes of different versions can share
//     records during a rolling upgrade.
//   - Deterministic: Marshal is deterministic CBOR, so equal records are
//     equal bytes on every node.
//   - Versioned: each entity type has a current schema version and ordered
//     upgrade steps. Load and Merge upgrade older records; records newer than
//     this node's schema load and merge unchanged (never downgraded).
//     Upgrade steps rewrite values in place without new dots or clock reads,
//     so two nodes upgrading the same bytes produce the same bytes, and
//     upgrading commutes with merging.
//   - Rehearsable: a test build can raise one type's schema by a version
//     (testSchemaBump, set with -ldflags -X; see schemabump.go) to prove
//     that the previous build keeps what the next one writes.
//   - Checked: bytes that do not decode are ErrCorrupt (quarantine them); a
//     field that decodes but has the wrong type for a view is ErrFieldType.
//     Check is a cheaper test for reads that builds no state: it passes
//     every record Unmarshal accepts, but not only those.
//   - Cheap on the write path: MergeBytes returns what decoding, merging
//     and re-encoding would, but skips that work when the result is one of
//     its inputs (a canonical new record, a delta the record absorbs).
//
// # Fields
//
// Field names are those of the original FiFo data model. Each field has one
// kind: an LWW register holding a CBOR value, a set of CBOR-encoded elements,
// a map (nested maps with register leaves) or a counter map (key →
// counter). The typed views declare their fields with struct tags,
// `record:"name,kind"`, and that declaration is the entity's field schema.
package record
