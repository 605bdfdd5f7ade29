package proto

// Messages from an agent to the control actor (ControlName). Times are
// the agent's wall clock in Unix milliseconds.

// Register opens (or, with Refresh, updates) an agent's session with a
// control node: the hypervisor, where its agent actor runs, and the host
// report. It is a call, answered with an Ack.
type Register struct {
	// HV is the hypervisor uuid.
	HV string
	// Node is the agent's ergo node name.
	Node string
	// Agent is the agent actor's registered name (AgentName(HV)).
	Agent string
	// Version is the agent's build version.
	Version string
	// Proto is the protocol version the agent speaks (Version).
	Proto int64
	// Refresh is false for the registration that opens a session (after
	// the agent's start or a reconnection, followed by a VMList) and true
	// for an update of the host report within a session.
	Refresh bool
	// Time is when the report was taken.
	Time int64
	// Host is the host report, a CBOR driver.Host.
	Host []byte
}

// Heartbeat tells a control node, periodically and whenever the memory
// account changes, that the agent lives, with its memory account in MB. It
// is a call, answered with an Ack; an Ack with Reregister asks the agent
// to open a new session.
type Heartbeat struct {
	HV            string
	Node          string
	Time          int64
	TotalMB       int64
	ReservedMB    int64
	ProvisionedMB int64
	FreeMB        int64
	// VMs is the number of VMs on the host.
	VMs int64
}

// VMState reports that a VM entered a state. It is sent (not called), in
// order after the VMList of the session.
type VMState struct {
	HV   string
	Node string
	VM   string
	// State is a driver.State; "deleted" when the VM is gone.
	State string
	Time  int64
	// Info is the VM as the host reports it (a CBOR driver.VM), or empty
	// when it is gone or could not be read.
	Info []byte
}

// VMList reports every VM on the host, for reconciliation: a VM the
// control plane places on this hypervisor that is not listed is not on it.
// It is a call, answered with an Ack.
type VMList struct {
	HV   string
	Node string
	Time int64
	// VMs is a CBOR []driver.VM, sorted by uuid.
	VMs []byte
}

// Ack answers Register, Heartbeat and VMList. Code is "" when the control
// plane took the message; Reregister asks the agent to open a new
// session (the control actor does not know it).
type Ack struct {
	Code       string
	Message    string
	Reregister bool
}

// Err returns the ack's error, nil when the message was taken.
func (a Ack) Err() error { return ErrorOf(a.Code, a.Message) }

// AckOf builds an Ack from the control plane's handling error.
func AckOf(err error) Ack {
	if err == nil {
		return Ack{}
	}
	return Ack{Code: CodeOf(err), Message: err.Error()}
}
