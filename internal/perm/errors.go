package perm

import (
	"errors"
	"fmt"
)

// ErrInvalid marks a permission rejected at the edge. Every error returned
// by ParsePath, ParseJSON, Permission.UnmarshalJSON and Permission.Validate
// wraps it (and one of the more specific errors below). Test with errors.Is.
var ErrInvalid = errors.New("perm: invalid permission")

// ErrEmpty is a permission without elements (also JSON null).
var ErrEmpty = fmt.Errorf("%w: no elements", ErrInvalid)

// ErrEmptyElement is a permission with an empty element, such as the path
// "vms//get" or a trailing slash.
var ErrEmptyElement = fmt.Errorf("%w: empty element", ErrInvalid)

// ErrTooLong is a permission over a limit: more than MaxElements elements,
// an element over MaxElementBytes bytes, or an input too large to hold a
// valid permission.
var ErrTooLong = fmt.Errorf("%w: too long", ErrInvalid)

// ErrSyntax is malformed input: a bad URL escape, an element that is not
// valid UTF-8, or JSON that is not an array of strings.
var ErrSyntax = fmt.Errorf("%w: malformed", ErrInvalid)
