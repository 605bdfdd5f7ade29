package client

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/chunter/keyq"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
)

// receiver is the actor registered as proto.ControlName. It validates and
// decodes the agents' messages, keeps the directory, monitors the agent
// actors, and runs the Control callbacks in goroutines, one at a time per
// hypervisor (keyq), answering the agents' calls when the callback ends.
type receiver struct {
	runtime.Base
	r *Receiver

	node   *runtime.Node
	self   runtime.PID
	ctx    context.Context
	cancel context.CancelFunc
	queue  keyq.Queue[task]
	// mons maps each agent's monitor to its hypervisor; monOf the reverse.
	mons  map[runtime.Ref]string
	monOf map[string]monitor
}

// monitor is the monitor of one agent actor.
type monitor struct {
	ref  runtime.Ref
	node string
}

// task is one Control callback for a hypervisor.
type task struct {
	hv    string
	kind  string
	run   func(ctx context.Context) error
	reply runtime.Replier // nil for messages that were sent, not called
}

// taskDone tells the actor that hv's callback finished.
type taskDone struct{ hv string }

// Init starts with an empty directory.
func (a *receiver) Init(p *runtime.Process) {
	a.node, a.self = p.Node(), p.Self()
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.mons = map[runtime.Ref]string{}
	a.monOf = map[string]monitor{}
	a.r.resetAgents()
}

// Terminate cancels the running callbacks, answers the waiting calls with
// ErrUnavailable and forgets the agents.
func (a *receiver) Terminate(*runtime.Process, string) {
	a.cancel()
	for _, t := range a.queue.Drain() {
		if t.reply != nil {
			t.reply(proto.AckOf(fmt.Errorf("control actor stopped: %w", proto.ErrUnavailable)), nil)
		}
	}
	a.r.resetAgents()
}

// HandleCall takes Register, Heartbeat and VMList.
func (a *receiver) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	ctl := a.r.opts.Control
	now := time.Now()
	switch m := req.(type) {
	case proto.Register:
		reg, err := registration(m)
		if err != nil {
			return a.invalid("register", err), nil
		}
		if _, known := a.r.Lookup(m.HV); m.Refresh && !known {
			return a.reregister("register"), nil
		}
		if !m.Refresh {
			a.watch(p, reg.Addr)
			a.r.setAgent(AgentInfo{Addr: reg.Addr, Version: reg.Version, Registered: now, LastSeen: now})
		} else {
			a.r.seen(m.HV, now)
		}
		return a.enqueue(p, from, task{hv: m.HV, kind: "register", run: func(ctx context.Context) error { return ctl.OnRegister(ctx, reg) }})
	case proto.Heartbeat:
		hb, err := heartbeat(m)
		if err != nil {
			return a.invalid("heartbeat", err), nil
		}
		if !a.known(m.HV, m.Node) {
			return a.reregister("heartbeat"), nil
		}
		a.r.seen(m.HV, now)
		return a.enqueue(p, from, task{hv: m.HV, kind: "heartbeat", run: func(ctx context.Context) error { return ctl.OnHeartbeat(ctx, hb) }})
	case proto.VMList:
		l, err := vmList(m)
		if err != nil {
			return a.invalid("vm_list", err), nil
		}
		if !a.known(m.HV, m.Node) {
			return a.reregister("vm_list"), nil
		}
		a.r.seen(m.HV, now)
		return a.enqueue(p, from, task{hv: m.HV, kind: "vm_list", run: func(ctx context.Context) error { return ctl.OnVMList(ctx, l) }})
	}
	return proto.AckOf(fmt.Errorf("%s: %T: %w", proto.ControlName, req, proto.ErrUnsupported)), nil
}

// HandleMessage takes VMState, the end of callbacks and agents' downs.
func (a *receiver) HandleMessage(p *runtime.Process, msg any) {
	switch m := msg.(type) {
	case proto.VMState:
		s, err := vmState(m)
		if err != nil {
			a.invalid("vm_state", err)
			return
		}
		a.r.seen(m.HV, time.Now())
		ctl := a.r.opts.Control
		a.enqueue(p, runtime.From{}, task{hv: m.HV, kind: "vm_state", run: func(ctx context.Context) error { return ctl.OnVMState(ctx, s) }})
	case taskDone:
		if next, ok := a.queue.Done(m.hv); ok {
			a.start(next)
		}
	case runtime.Down:
		a.down(p, m)
	default:
		a.Base.HandleMessage(p, msg)
	}
}

// known reports whether hv is registered from node.
func (a *receiver) known(hv, node string) bool {
	addr, ok := a.r.Lookup(hv)
	return ok && addr.Node == node
}

// watch monitors the agent actor at addr (once per node).
func (a *receiver) watch(p *runtime.Process, addr Addr) {
	if m, ok := a.monOf[addr.HV]; ok && m.node == addr.Node {
		return
	} else if ok {
		delete(a.mons, m.ref)
	}
	ref := p.Monitor(addr.process())
	a.mons[ref] = addr.HV
	a.monOf[addr.HV] = monitor{ref: ref, node: addr.Node}
}

// down forgets an agent whose actor stopped and tells Control.
func (a *receiver) down(p *runtime.Process, m runtime.Down) {
	hv, ok := a.mons[m.Ref]
	if !ok {
		return
	}
	delete(a.mons, m.Ref)
	delete(a.monOf, hv)
	addr, _ := a.r.Lookup(hv)
	a.r.dropAgent(hv)
	a.r.log.Info("agent down", "hv", hv, "node", addr.Node, "reason", m.Reason)
	h, ok := a.r.opts.Control.(AgentDownHandler)
	if !ok {
		a.r.m.Messages.WithLabelValues("agent_down", "ok").Inc()
		return
	}
	reason := m.Reason
	a.enqueue(p, runtime.From{}, task{hv: hv, kind: "agent_down", run: func(ctx context.Context) error { return h.OnAgentDown(ctx, addr, reason) }})
}

// enqueue runs or queues a callback. A call (from valid) is answered by
// the callback's goroutine; the queue being full answers it (or drops a
// sent message) at once.
func (a *receiver) enqueue(p *runtime.Process, from runtime.From, t task) (any, error) {
	if a.queue.Waiting(t.hv) >= a.r.opts.QueueLimit {
		a.r.m.Messages.WithLabelValues(t.kind, "dropped").Inc()
		a.r.log.Warn("agent report dropped: queue full", "hv", t.hv, "kind", t.kind)
		return proto.AckOf(fmt.Errorf("%s: queue of %s full: %w", proto.ControlName, t.hv, proto.ErrUnavailable)), nil
	}
	if from.Valid() {
		t.reply = p.Detach(from)
	}
	if a.queue.Push(t.hv, t) {
		a.start(t)
	}
	return nil, runtime.Deferred
}

// start runs a callback in a goroutine.
func (a *receiver) start(t task) {
	r, node, self, base := a.r, a.node, a.self, a.ctx
	go func() {
		ctx, cancel := context.WithTimeout(base, r.opts.CallbackTimeout)
		err := t.run(ctx)
		cancel()
		if err != nil {
			r.m.Messages.WithLabelValues(t.kind, "error").Inc()
			r.log.Warn("agent report not handled", "hv", t.hv, "kind", t.kind, "err", err)
		} else {
			r.m.Messages.WithLabelValues(t.kind, "ok").Inc()
		}
		if t.reply != nil {
			t.reply(proto.AckOf(err), nil)
		}
		_ = node.Send(self, taskDone{hv: t.hv})
	}()
}

// invalid counts and answers a malformed report.
func (a *receiver) invalid(kind string, err error) proto.Ack {
	a.r.m.Messages.WithLabelValues(kind, "invalid").Inc()
	a.r.log.Warn("invalid agent report", "kind", kind, "err", err)
	return proto.AckOf(err)
}

// reregister answers a report from an agent the receiver does not know.
func (a *receiver) reregister(kind string) proto.Ack {
	a.r.m.Messages.WithLabelValues(kind, "reregister").Inc()
	return proto.Ack{Reregister: true}
}
