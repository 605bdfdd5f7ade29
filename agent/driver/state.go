package driver

// State is a VM's state as chunter reports it: the zone states of
// illumos simplified as the original chunter did (reference/fifo.md §6.5).
type State string

// VM states.
const (
	// StateProvisioning: the VM is being created (or received).
	StateProvisioning State = "provisioning"
	// StateStopped: installed and not running.
	StateStopped State = "stopped"
	// StateBooting: on its way to running.
	StateBooting State = "booting"
	// StateRunning: running.
	StateRunning State = "running"
	// StateShuttingDown: on its way to stopped.
	StateShuttingDown State = "shutting_down"
	// StateFailed: its creation failed; it can only be deleted.
	StateFailed State = "failed"
	// StateDeleted: the VM no longer exists (only in a StateChange).
	StateDeleted State = "deleted"
	// StateUnknown: a state this package does not know.
	StateUnknown State = "unknown"
)

// StateChange reports the state a VM has entered.
type StateChange struct {
	UUID  string `json:"uuid"`
	State State  `json:"state"`
}

// NormalizeState maps a state as vmadm or zoneadm report it (vmadm's
// "state", or a zone state) to a State. The simplification is the
// original chunter's: installed, uninitialized and dead are stopped;
// initialized, ready and booting are booting; shutting_down, empty, down
// and dying are shutting_down. Anything else is StateUnknown.
func NormalizeState(s string) State {
	switch s {
	case "running":
		return StateRunning
	case "stopped", "installed", "uninitialized", "dead":
		return StateStopped
	case "initialized", "ready", "booting":
		return StateBooting
	case "shutting_down", "stopping", "empty", "down", "dying":
		return StateShuttingDown
	case "provisioning", "configured", "incomplete", "receiving":
		return StateProvisioning
	case "failed":
		return StateFailed
	}
	return StateUnknown
}
