package record

import "fmt"

// Deleting a replicated record. A record whose fields are all gone is a
// tombstone: its encoding keeps the causal context of what was removed,
// so merging it with a replica that missed the delete removes the fields
// that replica still holds (observed-remove), whatever the order in which
// the states meet. No new lattice is needed: a tombstone is an ordinary
// record state, and MergeBytes is its merge.
//
//   - Tombstone(v) is the delete delta of the value v a coordinator read:
//     every field of v removed. Merged anywhere, it hides every write v
//     holds; a write v had not seen (concurrent with the delete) keeps
//     what it wrote (add-wins, as for any field of an OR-map).
//   - IsTombstone(v) is true for a record without fields: reads answer
//     "not found" and folds skip it. A later write (one made on the
//     tombstone, with fresh dots) makes the record live again.
//   - A writer that re-creates a deleted id must mint dots above the
//     tombstone's: a fresh record.New restarts its actor's dots at 1 and
//     those the tombstone already covers are dropped. Ids of FiFo's records
//     are random UUIDs, so this only concerns ids chosen by callers.
//
// Tombstones are kept, not purged: purging one safely needs every replica
// to hold it (or a replica that missed the delete brings the record back
// through read repair or anti-entropy), and a tombstone costs only its
// causal context, a few bytes per writer.

// Tombstone returns the delete delta of the encoded record value: the
// removal of every field it holds, as a record of its type and schema.
func Tombstone(value []byte) ([]byte, error) {
	r, err := Unmarshal(value)
	if err != nil {
		return nil, fmt.Errorf("tombstone: %w", err)
	}
	// Removing every field leaves the whole causal context: the delta
	// covers every write v observed, superseded ones included (a stale
	// replica may still hold one of those).
	for _, k := range r.Fields.Keys() {
		r.Fields.Remove(k)
	}
	return Marshal(r)
}

// emptyMap is the CBOR head of an empty map: an encoded record without
// fields ends with it (its store of entries).
const emptyMap = 0xa0

// IsTombstone reports whether value is a record without fields: deleted,
// or never given any. Bytes that do not decode are not tombstones. Most
// live records are told apart by their last byte, without decoding.
func IsTombstone(value []byte) bool {
	if len(value) == 0 || value[len(value)-1] != emptyMap {
		return false
	}
	r, err := unmarshal(value, true)
	return err == nil && r.Fields.Len() == 0
}

// Tombstone implements the store's delete (see the package's Tombstone).
func (StoreCodec) Tombstone(value []byte) ([]byte, error) { return Tombstone(value) }

// IsTombstone implements the store's test for deleted records.
func (StoreCodec) IsTombstone(value []byte) bool { return IsTombstone(value) }
