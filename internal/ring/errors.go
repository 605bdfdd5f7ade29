package ring

import "errors"

// Package sentinels. Errors returned by this package wrap one of them with
// context; test with errors.Is.
var (
	// ErrCorrupt marks an encoding that does not decode to a valid ring:
	// malformed CBOR, limits exceeded or a broken invariant.
	ErrCorrupt = errors.New("ring: corrupt encoding")
	// ErrMismatch is returned when merging rings of different clusters or
	// partition counts: they are not replicas of one state.
	ErrMismatch = errors.New("ring: different clusters")
	// ErrUnknownMember is returned by an operation on a node that is not
	// a member of the ring.
	ErrUnknownMember = errors.New("ring: unknown member")
	// ErrTransition is returned by an operation that the member's current
	// status does not allow (leave a node that already left, …).
	ErrTransition = errors.New("ring: invalid status transition")
	// ErrNoHandoff is returned by CompleteHandoff when the partition has no
	// pending transfer of that epoch.
	ErrNoHandoff = errors.New("ring: no such pending handoff")
	// ErrInvalid marks a bad argument: an empty node name, a partition out
	// of range, a partition count the store cannot use.
	ErrInvalid = errors.New("ring: invalid argument")
)
