package pack

import "errors"

// ErrInput marks inputs that cannot make a release: a bad path or mode, a
// file listed twice, a manifest that does not validate, a source that
// changed while it was packed, binaries that do not belong together.
var ErrInput = errors.New("pack: bad input")
