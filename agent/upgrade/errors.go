package upgrade

import "errors"

// Sentinel errors; wrapped with context, checked with errors.Is.
var (
	// ErrInvalid marks a request that can never succeed as it is: a bad
	// version, size or checksum, a chunk beyond the announced size, a
	// binary that does not run or reports another version.
	ErrInvalid = errors.New("upgrade: invalid")
	// ErrChecksum marks a received binary whose SHA-256 is not the one
	// announced; the partial file is gone and the transfer starts over.
	// It matches ErrInvalid too.
	ErrChecksum = checksumError{}
	// ErrNotReceived marks a switch to a binary the agent does not hold.
	ErrNotReceived = errors.New("upgrade: binary not received")
	// ErrGaveUp marks a transfer that made no progress in Retries
	// attempts in a row.
	ErrGaveUp = errors.New("upgrade: transfer gave up")
)

// checksumError is ErrChecksum: it also matches ErrInvalid.
type checksumError struct{}

func (checksumError) Error() string        { return "upgrade: checksum mismatch" }
func (checksumError) Is(target error) bool { return target == ErrInvalid }
