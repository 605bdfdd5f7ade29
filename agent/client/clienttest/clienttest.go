// Package clienttest helps tests of the agents and of the control plane:
// Recorder, a client.Control that records every report (and fails on
// demand), and StartReceiver, which runs a Receiver with a Recorder on a
// test node.
package clienttest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// Kinds of report, for Recorder.Fail.
const (
	KindRegister  = "register"
	KindHeartbeat = "heartbeat"
	KindVMState   = "vm_state"
	KindVMList    = "vm_list"
)

// Recorder is a client.Control (and AgentDownHandler) that records what
// it is given. Safe for concurrent use.
type Recorder struct {
	mu            sync.Mutex
	registrations []client.Registration
	heartbeats    []client.Heartbeat
	states        []client.VMState
	lists         []client.VMList
	downs         []client.Addr
	fail          map[string]int
	latest        map[string]held
}

// held is a VM's state as last reported, and by which hypervisor.
type held struct {
	hv    string
	state driver.State
}

var (
	_ client.Control          = (*Recorder)(nil)
	_ client.AgentDownHandler = (*Recorder)(nil)
)

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{fail: map[string]int{}, latest: map[string]held{}} }

// Fail makes the next n reports of kind fail (after being recorded).
func (r *Recorder) Fail(kind string, n int) {
	r.mu.Lock()
	r.fail[kind] = n
	r.mu.Unlock()
}

// failing reports whether this report of kind must fail. Called with r.mu.
func (r *Recorder) failing(kind string) error {
	if r.fail[kind] > 0 {
		r.fail[kind]--
		return fmt.Errorf("clienttest: %s refused on purpose", kind)
	}
	return nil
}

// OnRegister implements client.Control.
func (r *Recorder) OnRegister(_ context.Context, reg client.Registration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.registrations = append(r.registrations, reg)
	return r.failing(KindRegister)
}

// OnHeartbeat implements client.Control.
func (r *Recorder) OnHeartbeat(_ context.Context, h client.Heartbeat) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heartbeats = append(r.heartbeats, h)
	return r.failing(KindHeartbeat)
}

// OnVMState implements client.Control.
func (r *Recorder) OnVMState(_ context.Context, s client.VMState) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, s)
	if s.State == driver.StateDeleted {
		delete(r.latest, s.VM)
	} else {
		r.latest[s.VM] = held{hv: s.Addr.HV, state: s.State}
	}
	return r.failing(KindVMState)
}

// OnVMList implements client.Control.
func (r *Recorder) OnVMList(_ context.Context, l client.VMList) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lists = append(r.lists, l)
	for vm, h := range r.latest {
		if h.hv == l.Addr.HV {
			delete(r.latest, vm)
		}
	}
	for _, v := range l.VMs {
		r.latest[v.UUID] = held{hv: l.Addr.HV, state: v.State}
	}
	return r.failing(KindVMList)
}

// OnAgentDown implements client.AgentDownHandler.
func (r *Recorder) OnAgentDown(_ context.Context, a client.Addr, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.downs = append(r.downs, a)
	return nil
}

// Registrations returns the registrations received, oldest first.
func (r *Recorder) Registrations() []client.Registration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.registrations)
}

// Sessions returns the registrations that opened a session (not
// refreshes).
func (r *Recorder) Sessions() []client.Registration {
	var out []client.Registration
	for _, reg := range r.Registrations() {
		if !reg.Refresh {
			out = append(out, reg)
		}
	}
	return out
}

// Heartbeats returns the heartbeats received.
func (r *Recorder) Heartbeats() []client.Heartbeat {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.heartbeats)
}

// States returns the state changes received.
func (r *Recorder) States() []client.VMState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.states)
}

// Lists returns the VM lists received.
func (r *Recorder) Lists() []client.VMList {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lists)
}

// Downs returns the agents reported down.
func (r *Recorder) Downs() []client.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.downs)
}

// State returns the state the control plane holds for vm after applying
// the reports in their order of arrival: a VM list sets every listed VM
// and drops the unlisted ones of its hypervisor, a state change sets one
// ("deleted" drops it).
func (r *Recorder) State(vm string) (driver.State, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.latest[vm]
	return st.state, ok
}

// StartReceiver starts, on n, a Receiver whose Control is a new Recorder,
// as the "agents" application, stopped when the test ends.
func StartReceiver(t testing.TB, n *runtime.Node) (*client.Receiver, *Recorder) {
	t.Helper()
	rec := NewRecorder()
	rcv, err := client.NewReceiver(client.ReceiverOptions{Control: rec, Logger: n.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	app := rcv.App("test")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := supervisors.StartApp(ctx, n, app); err != nil {
		t.Fatalf("start receiver: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if n.Alive() {
			_ = supervisors.StopApp(ctx, n, app)
		}
	})
	return rcv, rec
}
