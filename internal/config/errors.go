package config

import "errors"

// ErrInvalid matches (with errors.Is) every error about the content of the
// configuration: TOML syntax, an unknown key, a wrong type, an environment
// value that does not parse, and every Validate failure.
var ErrInvalid = errors.New("invalid configuration")

// invalidError carries a one-line message and matches ErrInvalid without
// repeating ErrInvalid's text in the message.
type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }

// Is reports whether target is ErrInvalid.
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

// invalid returns an error matching ErrInvalid with the message msg.
func invalid(msg string) error { return &invalidError{msg: msg} }
