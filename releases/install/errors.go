package install

import "errors"

// Sentinel errors; wrapped with context, checked with errors.Is.
var (
	// ErrCorrupt marks a tarball, or an unpacked release, whose bytes do
	// not agree with its manifest and checksums, or that is not a
	// well-formed release at all.
	ErrCorrupt = errors.New("release: corrupt")
	// ErrPlatform marks a release for another OS or architecture.
	ErrPlatform = errors.New("release: wrong platform")
	// ErrProduct marks a release of another product (chunter for fifo).
	ErrProduct = errors.New("release: wrong product")
	// ErrExists marks an unpack of a version already unpacked with other
	// contents.
	ErrExists = errors.New("release: version already unpacked")
	// ErrNotUnpacked marks a version the node does not have.
	ErrNotUnpacked = errors.New("release: not unpacked")
	// ErrNotCurrent marks a version that must be current for the command.
	ErrNotCurrent = errors.New("release: not current")
	// ErrNoRollback marks a rollback with nothing to return to.
	ErrNoRollback = errors.New("release: nothing to roll back to")
	// ErrRecord marks a RELEASES record that does not parse or breaks
	// its invariants.
	ErrRecord = errors.New("release: bad record")
)
