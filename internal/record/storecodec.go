package record

// StoreCodec gives records their meaning to the record store
// (recstore.Codec): reads are checked with Check, deltas merged with
// MergeBytes over the built-in registry, so older schema versions are
// upgraded on merge and unknown fields are kept.
type StoreCodec struct{}

// Check is the cheap test of every read.
func (StoreCodec) Check(value []byte) error { return Check(value) }

// Merge joins the delta record into the stored one.
func (StoreCodec) Merge(old, delta []byte) ([]byte, error) { return MergeBytes(old, delta) }
