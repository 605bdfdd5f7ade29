package hashtree

import "errors"

// Package sentinels; errors wrap one of them with context. Test with
// errors.Is.
var (
	// ErrCorrupt marks a wire message that does not decode or breaks an
	// invariant (unsorted keys, a key in the wrong segment, …).
	ErrCorrupt = errors.New("hashtree: corrupt message")
	// ErrShape is returned when two trees, or a tree and a message, do not
	// have the same segments and fanout, so their hashes do not compare.
	ErrShape = errors.New("hashtree: different shapes")
	// ErrOrder is returned by Build when keys do not come in strictly
	// increasing order.
	ErrOrder = errors.New("hashtree: keys out of order")
	// ErrInvalid marks bad options or arguments.
	ErrInvalid = errors.New("hashtree: invalid argument")
)
