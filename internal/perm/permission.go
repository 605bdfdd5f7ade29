package perm

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Permission is a list of elements such as ["vms", "<uuid>", "get"],
// ["cloud", "vms", "create"] or ["..."] (everything). In a granted
// permission the elements Wildcard and Ellipsis have the meaning given in
// the package documentation; in a requested one they are literals.
type Permission []string

// Wildcard, in a granted permission, matches exactly one element.
const Wildcard = "_"

// Ellipsis, as the last element of a granted permission, matches one or
// more remaining elements. Anywhere else it is a literal.
const Ellipsis = "..."

// Limits enforced at the edge by Validate and the parsers.
const (
	// MaxElements is the most elements a permission may have.
	MaxElements = 32
	// MaxElementBytes is the longest an element may be, in bytes after
	// unescaping.
	MaxElementBytes = 256
)

// Validate reports whether p is acceptable at the edge: at least one and at
// most MaxElements elements, each non-empty, valid UTF-8 and at most
// MaxElementBytes long. The error wraps ErrInvalid and one of ErrEmpty,
// ErrEmptyElement, ErrTooLong or ErrSyntax.
func (p Permission) Validate() error {
	if len(p) == 0 {
		return ErrEmpty
	}
	if len(p) > MaxElements {
		return fmt.Errorf("%w: %d elements (max %d)", ErrTooLong, len(p), MaxElements)
	}
	for i, e := range p {
		if err := validElement(i, e); err != nil {
			return err
		}
	}
	return nil
}

// validElement checks element i of a permission.
func validElement(i int, e string) error {
	switch {
	case e == "":
		return fmt.Errorf("%w at index %d", ErrEmptyElement, i)
	case len(e) > MaxElementBytes:
		return fmt.Errorf("%w: element %d is %d bytes (max %d)", ErrTooLong, i, len(e), MaxElementBytes)
	case !utf8.ValidString(e):
		return fmt.Errorf("%w: element %d is not valid UTF-8", ErrSyntax, i)
	}
	return nil
}

// Clone returns a copy of p that shares no memory with it (nil for nil).
func (p Permission) Clone() Permission {
	return slices.Clone(p)
}

// Equal reports whether p and q have the same elements, literally.
func (p Permission) Equal(q Permission) bool {
	return slices.Equal(p, q)
}

// HasPrefix reports whether p starts with the elements of prefix, compared
// literally (wildcards are not expanded). Every p has the empty prefix.
func (p Permission) HasPrefix(prefix Permission) bool {
	return len(p) >= len(prefix) && slices.Equal(p[:len(prefix)], prefix)
}
