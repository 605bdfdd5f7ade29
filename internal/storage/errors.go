package storage

import "errors"

// Sentinel errors. Every error the package returns wraps one of these (or an
// error from Pebble or the file system) with context naming the operation,
// the partition and the key; test for them with errors.Is.
var (
	// ErrNotFound reports that a record, index entry or quarantine entry does
	// not exist.
	ErrNotFound = errors.New("storage: not found")

	// ErrInvalidKey reports a partition out of range, an empty or oversized
	// bucket, id or name, or one that contains the 0x00 separator byte.
	ErrInvalidKey = errors.New("storage: invalid key")

	// ErrPartitionMismatch reports that a store was opened with a partition
	// count different from the one it was created with. Keys are laid out by
	// partition, so the count of a store can never change in place.
	ErrPartitionMismatch = errors.New("storage: partition count mismatch")

	// ErrClosed reports an operation on a closed DB.
	ErrClosed = errors.New("storage: closed")

	// ErrNotStore reports that Open was pointed at a directory that holds
	// something other than a store of this package: unrelated files, or a
	// Pebble database without this package's meta key.
	ErrNotStore = errors.New("storage: not a fifo store")

	// ErrCorrupt marks data that does not decode: a malformed meta key, key or
	// quarantine entry, or a corruption reported by Pebble.
	ErrCorrupt = errors.New("storage: corrupt")

	// ErrUnsupportedVersion reports a store written in a newer on-disk format
	// than this build understands (see FormatVersion).
	ErrUnsupportedVersion = errors.New("storage: unsupported format version")

	// ErrInvalidOptions reports an Options value that fails Validate.
	ErrInvalidOptions = errors.New("storage: invalid options")

	// ErrStopScan may be returned by a scan callback to end the scan early.
	// The scan then returns nil.
	ErrStopScan = errors.New("storage: stop scan")

	// ErrForeignBatch reports a Batch committed to a DB other than the one
	// that created it.
	ErrForeignBatch = errors.New("storage: batch belongs to another store")
)
