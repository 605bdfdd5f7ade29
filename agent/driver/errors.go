package driver

import "errors"

// Error categories; test with errors.Is. Drivers wrap them with what
// failed, e.g. fmt.Errorf("vm %s: start: %w", uuid, ErrNotFound).
var (
	// ErrNotFound marks a VM, snapshot or image that does not exist.
	ErrNotFound = errors.New("driver: not found")
	// ErrConflict marks a command the VM's current state or existing
	// configuration forbids (a create with another spec, a rollback of a
	// running VM).
	ErrConflict = errors.New("driver: conflict")
	// ErrNoMemory marks a memory admission the host refused.
	ErrNoMemory = errors.New("driver: not enough memory")
	// ErrInvalid marks an argument that can never work.
	ErrInvalid = errors.New("driver: invalid argument")
	// ErrFailed marks a command the hypervisor could not carry out for
	// another reason (a tool's error, an injected failure).
	ErrFailed = errors.New("driver: command failed")
)
