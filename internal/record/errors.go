package record

import "errors"

// Sentinel errors; test with errors.Is.
var (
	// ErrCorrupt marks bytes that do not decode to a record.
	ErrCorrupt = errors.New("record: corrupt")
	// ErrType marks a record of another entity type than expected.
	ErrType = errors.New("record: wrong entity type")
	// ErrUnknownField marks a field name not in the entity's schema.
	ErrUnknownField = errors.New("record: unknown field")
	// ErrKind marks an operation that does not fit the field's kind.
	ErrKind = errors.New("record: wrong field kind")
	// ErrFieldType marks a stored value that does not fit the view's type.
	ErrFieldType = errors.New("record: field value has the wrong type")
	// ErrUpgrade marks a schema upgrade step that failed.
	ErrUpgrade = errors.New("record: upgrade failed")
	// ErrInvalid marks an argument a mutator cannot apply.
	ErrInvalid = errors.New("record: invalid argument")
)
