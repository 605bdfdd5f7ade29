package recstore

import (
	"context"
	"errors"
)

// Errors of the store. Test with errors.Is.
var (
	// ErrNotFound: no record (or name) under that key.
	ErrNotFound = errors.New("store: not found")
	// ErrNameTaken: the unique name belongs to another id.
	ErrNameTaken = errors.New("store: name taken")
	// ErrBadValue: the codec rejected a delta; nothing was written.
	ErrBadValue = errors.New("store: bad value")
	// ErrInvalidKey: an empty or malformed bucket, id or name.
	ErrInvalidKey = errors.New("store: invalid key")
	// ErrUnavailable: a replicated store could not reach enough replicas
	// (or the owner of a name's partition); the request may succeed
	// later. The REST edge answers 503.
	ErrUnavailable = errors.New("store: not enough replicas available")
)

// Store is the API applications use for records.
type Store interface {
	// Apply merges delta into the record bucket/id (creating it when
	// absent), durably, and returns the merged value.
	Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error)
	// Get returns the record's value or ErrNotFound.
	Get(ctx context.Context, bucket, id string) ([]byte, error)
	// Delete removes the record (a missing record is not an error).
	Delete(ctx context.Context, bucket, id string) error
	// Fold calls fn for every record of bucket, partition by partition, in
	// id order within a partition. The value is only valid during the call.
	Fold(ctx context.Context, bucket string, fn func(id string, value []byte) error) error
	// ClaimName makes name in bucket belong to id. Claiming a name the id
	// already holds succeeds; a name held by another id is ErrNameTaken.
	ClaimName(ctx context.Context, bucket, name, id string) error
	// ReleaseName frees name if id holds it (otherwise nothing happens).
	ReleaseName(ctx context.Context, bucket, name, id string) error
	// LookupName returns the id holding name, or ErrNotFound.
	LookupName(ctx context.Context, bucket, name string) (string, error)
}

// Codec gives records their meaning to the store.
type Codec interface {
	// Check is the cheap test every read runs: it must reject bytes that
	// cannot decode at all (truncation, bit rot), which are then
	// quarantined. Full decoding is left to the reader.
	Check(value []byte) error
	// Merge joins delta into old (nil when absent) and returns the new
	// value, deterministically. It fails when either does not decode; the
	// store then tells which by merging delta alone.
	Merge(old, delta []byte) ([]byte, error)
}
