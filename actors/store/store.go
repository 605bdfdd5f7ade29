package store

import "github.com/fifogo/fifo/internal/recstore"

// The store's API lives in internal/recstore (free of actors, so pure
// packages and their race-tested unit tests can use it); these aliases
// keep store.X spelling for callers of this package.

// Errors of the store. Test with errors.Is.
var (
	// ErrNotFound: no record (or name) under that key.
	ErrNotFound = recstore.ErrNotFound
	// ErrNameTaken: the unique name belongs to another id.
	ErrNameTaken = recstore.ErrNameTaken
	// ErrBadValue: the codec rejected a delta; nothing was written.
	ErrBadValue = recstore.ErrBadValue
	// ErrInvalidKey: an empty or malformed bucket, id or name.
	ErrInvalidKey = recstore.ErrInvalidKey
)

// Store is the API applications use for records (recstore.Store).
type Store = recstore.Store

// Codec gives records their meaning to the store (recstore.Codec).
type Codec = recstore.Codec
