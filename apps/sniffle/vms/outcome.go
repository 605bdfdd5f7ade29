package vms

import (
	"errors"

	"github.com/fifogo/fifo/agent/driver"
)

// ambiguous reports whether a failed create call leaves the host's side
// unknown: the agent was unreachable, went away mid-call, ran out of time
// or failed without a category, so the host may have made the VM or not.
// A clean refusal — no memory, an invalid or conflicting spec, a missing
// image, a command the host could not carry out — is an answer: the host
// does not have the VM.
func ambiguous(err error) bool {
	if err == nil {
		return false
	}
	for _, clean := range []error{driver.ErrNoMemory, driver.ErrInvalid, driver.ErrConflict, driver.ErrNotFound,
		driver.ErrFailed} {
		if errors.Is(err, clean) {
			return false
		}
	}
	return true
}
