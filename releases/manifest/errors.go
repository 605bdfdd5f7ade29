package manifest

import "errors"

// Sentinel errors; wrapped with context, checked with errors.Is.
var (
	// ErrInvalid marks a manifest or checksums file that does not parse
	// or breaks a rule of the format.
	ErrInvalid = errors.New("manifest: invalid")
	// ErrUnordered marks a version that is not a semantic version and so
	// cannot be compared.
	ErrUnordered = errors.New("manifest: version not ordered")
	// ErrUpgradeBase marks a release that cannot upgrade the version a
	// node runs: its UpgradeFrom floor is newer.
	ErrUpgradeBase = errors.New("manifest: cannot upgrade from this version")
)
