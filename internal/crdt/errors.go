package crdt

import "errors"

// ErrCorrupt marks input that does not decode to a valid state: malformed
// CBOR, limits exceeded, or a broken invariant. Test with errors.Is.
var ErrCorrupt = errors.New("crdt: corrupt encoding")

// ErrUnset is returned when decoding the value of a register that was never
// written.
var ErrUnset = errors.New("crdt: register unset")
