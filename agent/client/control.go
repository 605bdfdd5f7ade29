package client

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
)

// Control is what the control plane (sniffle) does with the agents'
// reports; the Receiver calls it. Calls for one hypervisor come one at a
// time, in the order the agent sent them; calls for different
// hypervisors may run concurrently. Each gets a context bounded by
// ReceiverOptions.CallbackTimeout. An error from OnRegister, OnHeartbeat
// or OnVMList goes back to the agent, which sends again later (possibly
// to another control node); an error from OnVMState is logged (the
// agent's next VM list repairs what was missed).
type Control interface {
	// OnRegister records a hypervisor and its host report: the opening
	// of an agent's session (Refresh false; an OnVMList follows) or a
	// change of the report within it (Refresh true).
	OnRegister(ctx context.Context, r Registration) error
	// OnHeartbeat records that the agent lives, with its memory account.
	OnHeartbeat(ctx context.Context, h Heartbeat) error
	// OnVMState records a VM's new state.
	OnVMState(ctx context.Context, s VMState) error
	// OnVMList reconciles the records of the hypervisor's VMs with the
	// host: every VM on it is listed, so a VM recorded on this hypervisor
	// but not listed is not there.
	OnVMList(ctx context.Context, l VMList) error
}

// AgentDownHandler may also be implemented by a Control: OnAgentDown is
// called (in order with the hypervisor's other calls) when a registered
// agent actor stops or its node disconnects. The agent registers again
// when it can.
type AgentDownHandler interface {
	OnAgentDown(ctx context.Context, a Addr, reason string) error
}

// Registration is an agent's Register.
type Registration struct {
	// Addr is where the agent runs.
	Addr Addr
	// Version is the agent's build version.
	Version string
	// Proto is the protocol version it speaks.
	Proto int
	// Refresh is false when the registration opens a session, true for an
	// update of the report within one.
	Refresh bool
	// Time is when the report was taken (agent's clock).
	Time time.Time
	// Host is the host report.
	Host driver.Host
}

// Heartbeat is an agent's heartbeat.
type Heartbeat struct {
	Addr   Addr
	Time   time.Time
	Memory driver.Memory
	// VMs is the number of VMs on the host.
	VMs int
}

// VMState is a VM's state change.
type VMState struct {
	Addr  Addr
	VM    string
	State driver.State
	Time  time.Time
	// Info is the VM as the host reported it with the change; nil when it
	// is gone (StateDeleted) or could not be read.
	Info *driver.VM
}

// VMList is the full list of a hypervisor's VMs.
type VMList struct {
	Addr Addr
	Time time.Time
	VMs  []driver.VM
}

// registration decodes a Register.
func registration(m proto.Register) (Registration, error) {
	if err := checkOrigin(m.HV, m.Node); err != nil {
		return Registration{}, err
	}
	if m.Agent != proto.AgentName(m.HV) {
		return Registration{}, fmt.Errorf("register %s: agent actor %q, want %q: %w", m.HV, m.Agent, proto.AgentName(m.HV), driver.ErrInvalid)
	}
	r := Registration{Addr: Addr{Node: m.Node, HV: m.HV}, Version: m.Version, Proto: int(m.Proto), Refresh: m.Refresh, Time: time.UnixMilli(m.Time)}
	if err := proto.Unmarshal(m.Host, &r.Host); err != nil {
		return Registration{}, fmt.Errorf("register %s: host report: %w: %w", m.HV, driver.ErrInvalid, err)
	}
	return r, nil
}

// heartbeat decodes a Heartbeat.
func heartbeat(m proto.Heartbeat) (Heartbeat, error) {
	if err := checkOrigin(m.HV, m.Node); err != nil {
		return Heartbeat{}, err
	}
	return Heartbeat{
		Addr: Addr{Node: m.Node, HV: m.HV}, Time: time.UnixMilli(m.Time), VMs: int(m.VMs),
		Memory: driver.Memory{TotalMB: m.TotalMB, ReservedMB: m.ReservedMB, ProvisionedMB: m.ProvisionedMB, FreeMB: m.FreeMB},
	}, nil
}

// vmState decodes a VMState.
func vmState(m proto.VMState) (VMState, error) {
	if err := checkOrigin(m.HV, m.Node); err != nil {
		return VMState{}, err
	}
	s := VMState{Addr: Addr{Node: m.Node, HV: m.HV}, VM: m.VM, State: driver.State(m.State), Time: time.UnixMilli(m.Time)}
	if len(m.Info) > 0 {
		var vm driver.VM
		if err := proto.Unmarshal(m.Info, &vm); err != nil {
			return VMState{}, fmt.Errorf("vm state %s: info: %w: %w", m.VM, driver.ErrInvalid, err)
		}
		s.Info = &vm
	}
	return s, nil
}

// vmList decodes a VMList.
func vmList(m proto.VMList) (VMList, error) {
	if err := checkOrigin(m.HV, m.Node); err != nil {
		return VMList{}, err
	}
	l := VMList{Addr: Addr{Node: m.Node, HV: m.HV}, Time: time.UnixMilli(m.Time)}
	if err := proto.Unmarshal(m.VMs, &l.VMs); err != nil {
		return VMList{}, fmt.Errorf("vm list %s: %w: %w", m.HV, driver.ErrInvalid, err)
	}
	return l, nil
}

// checkOrigin refuses a report without a hypervisor uuid or a node.
func checkOrigin(hv, node string) error {
	if !driver.ValidUUID(hv) {
		return fmt.Errorf("report from hypervisor %q: not a uuid: %w", hv, driver.ErrInvalid)
	}
	if node == "" {
		return fmt.Errorf("report from hypervisor %s: no node: %w", hv, driver.ErrInvalid)
	}
	return nil
}
