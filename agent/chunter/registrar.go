package chunter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
)

// registrar keeps the agent's session with a control node and carries
// every message the agent sends it, so they leave in one order:
//
//  1. connect to the control node (Options.Controls[i]; the agent's own
//     node when none is configured);
//  2. Register with the host report (a call);
//  3. monitor the control actor, take the VM list and send it (VMList),
//     then the state changes that arrived meanwhile; from then on each
//     state change is forwarded (VMState) as the watcher reports it;
//  4. every HeartbeatInterval, and at once when a command changed the
//     memory account, probe the host and send a Heartbeat (and a Register
//     with Refresh when the rest of the report changed); every
//     ResyncInterval send the VM list again.
//
// Any failure — the control actor or its node going down, a call failing,
// MaxMissedHeartbeats heartbeats in a row unanswered — ends the session:
// after a backoff the registrar starts over with the next control node
// (the same one when only one is configured). An Ack asking to register
// again starts over with the same node after the shortest backoff. Each session has a number;
// timers and results of an older session are ignored.
type registrar struct {
	runtime.Base
	a *Agent

	node     *runtime.Node
	self     runtime.PID
	ctx      context.Context // cancelled when the registrar stops
	cancel   context.CancelFunc
	controls []string
	idx      int // current control node

	session int
	phase   phase
	attempt int // failed sessions in a row
	reqs    map[runtime.Ref]reqKind
	// mon monitors the control actor of node monitored ("" for none).
	mon       runtime.Ref
	monitored string

	// pending holds state changes while the VM list is taken, latest per
	// VM, in order of first change.
	pending   map[string]stateChanged
	order     []string
	known     map[string]bool // VMs on the host, for heartbeats
	report    []byte          // last host report sent, memory left out
	probing   bool
	reprobe   bool
	misses    int
	onSession bool // counted in Metrics.Registered
}

// phase is the state of a session.
type phase int

const (
	phaseIdle        phase = iota // waiting to start a session
	phaseConnecting               // connecting to the control node
	phaseRegistering              // probing the host, Register in flight
	phaseListing                  // taking the VM list; state changes wait
	phaseRegistered               // state changes flow
)

// reqKind is what a call in flight to the control actor was.
type reqKind int

const (
	reqRegister reqKind = iota
	reqRefresh
	reqHeartbeat
	reqList
)

// Messages of the registrar to itself, each stamped with its session.
type (
	connectNow struct{ session int }
	connected  struct {
		session int
		err     error
	}
	probed struct {
		session   int
		heartbeat bool
		host      driver.Host
		err       error
	}
	listed struct {
		session int
		vms     []byte
		uuids   []string
		err     error
	}
	heartbeatTick struct{ session int }
	resyncTick    struct{ session int }
)

// Init starts the first session in a first message.
func (r *registrar) Init(p *runtime.Process) {
	r.node, r.self = p.Node(), p.Self()
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.controls = r.a.opts.Controls
	if len(r.controls) == 0 {
		r.controls = []string{r.node.Name()}
	}
	r.reqs = map[runtime.Ref]reqKind{}
	r.known = map[string]bool{}
	r.resetPending()
	_ = p.SendSelf(connectNow{session: r.session})
}

// Terminate stops the goroutines' work.
func (r *registrar) Terminate(*runtime.Process, string) {
	r.cancel()
	r.leave()
}

// HandleMessage runs the session.
func (r *registrar) HandleMessage(p *runtime.Process, msg any) {
	switch m := msg.(type) {
	case stateChanged:
		r.stateChanged(p, m)
	case memoryChanged:
		if r.phase >= phaseListing {
			r.probe(true)
		}
	case connectNow:
		if m.session == r.session && r.phase == phaseIdle {
			r.connect(p)
		}
	case connected:
		if m.session != r.session || r.phase != phaseConnecting {
			return
		}
		if m.err != nil {
			r.lost(p, "connect", m.err)
			return
		}
		r.phase = phaseRegistering
		r.probe(false)
	case probed:
		if m.session == r.session {
			r.probed(p, m)
		}
	case listed:
		if m.session == r.session && r.phase == phaseListing {
			r.listed(p, m)
		}
	case runtime.Reply:
		r.reply(p, m)
	case runtime.Down:
		if r.monitored == "" || m.Ref != r.mon {
			return
		}
		r.monitored = ""
		// A session being opened fails by itself (its calls are
		// monitored); an open one ends here.
		if r.phase >= phaseListing {
			r.lost(p, "control actor down", errors.New(m.Reason))
		}
	case heartbeatTick:
		if m.session == r.session {
			p.After(r.a.opts.HeartbeatInterval, m)
			r.probe(true)
		}
	case resyncTick:
		if m.session == r.session {
			p.After(r.a.opts.ResyncInterval, m)
			if r.phase == phaseRegistered {
				r.list()
			}
		}
	default:
		r.Base.HandleMessage(p, msg)
	}
}

// control is the control actor of the current control node.
func (r *registrar) control() runtime.ProcessID {
	return runtime.ProcessID{Name: proto.ControlName, Node: r.controls[r.idx]}
}

// connect starts a session: a connection to a remote control node is
// made in a goroutine (a dial may take seconds).
func (r *registrar) connect(p *runtime.Process) {
	r.phase = phaseConnecting
	ctrl := r.controls[r.idx]
	if ctrl == r.node.Name() {
		r.phase = phaseRegistering
		r.probe(false)
		return
	}
	node, self, session := r.node, r.self, r.session
	go func() {
		err := node.Connect(ctrl)
		_ = node.Send(self, connected{session: session, err: err})
	}()
}

// probe takes the host report in a goroutine: for a Register (heartbeat
// false) or a Heartbeat. Heartbeat probes do not overlap: one asked for
// during another runs after it.
func (r *registrar) probe(heartbeat bool) {
	if heartbeat {
		if r.probing {
			r.reprobe = true
			return
		}
		r.probing = true
	}
	a, node, self, ctx, session := r.a, r.node, r.self, r.ctx, r.session
	go func() {
		qctx, cancel := context.WithTimeout(ctx, a.opts.QueryTimeout)
		host, err := a.opts.Driver.Sysinfo(qctx)
		cancel()
		_ = node.Send(self, probed{session: session, heartbeat: heartbeat, host: host, err: err})
	}()
}

// probed sends the report: a Register opening the session, or a
// Heartbeat (preceded by a refreshing Register when the report changed).
func (r *registrar) probed(p *runtime.Process, m probed) {
	if !m.heartbeat {
		if r.phase != phaseRegistering {
			return
		}
		if m.err != nil {
			r.lost(p, "sysinfo", m.err)
			return
		}
		if err := r.register(p, m.host, false); err != nil {
			r.lost(p, "register", err)
		}
		return
	}
	r.probing = false
	if r.phase < phaseListing {
		return
	}
	if m.err != nil {
		r.a.log.Warn("host probe failed", "err", m.err)
		r.missed(p, m.err)
	} else {
		if rep := reportKey(m.host); !bytes.Equal(rep, r.report) {
			if err := r.register(p, m.host, true); err != nil {
				r.a.log.Warn("host report refresh not sent", "err", err)
			}
		}
		r.heartbeat(p, m.host.Memory)
	}
	if r.reprobe && r.phase >= phaseListing {
		r.reprobe = false
		r.probe(true)
	}
}

// register sends a Register call.
func (r *registrar) register(p *runtime.Process, host driver.Host, refresh bool) error {
	b, err := proto.Marshal(host)
	if err != nil {
		return err
	}
	msg := proto.Register{
		HV: r.a.opts.HV, Node: r.node.Name(), Agent: r.a.Name(), Version: r.a.opts.Version,
		Proto: proto.Version, Refresh: refresh, Time: time.Now().UnixMilli(), Host: b,
	}
	kind := reqRegister
	if refresh {
		kind = reqRefresh
	}
	if err := r.request(p, msg, kind); err != nil {
		return err
	}
	r.report = reportKey(host)
	return nil
}

// heartbeat sends a Heartbeat call.
func (r *registrar) heartbeat(p *runtime.Process, mem driver.Memory) {
	msg := proto.Heartbeat{
		HV: r.a.opts.HV, Node: r.node.Name(), Time: time.Now().UnixMilli(),
		TotalMB: mem.TotalMB, ReservedMB: mem.ReservedMB, ProvisionedMB: mem.ProvisionedMB, FreeMB: mem.FreeMB,
		VMs: int64(len(r.known)),
	}
	if err := r.request(p, msg, reqHeartbeat); err != nil {
		r.missed(p, err)
	}
}

// request calls the control actor; the answer arrives as a Reply.
func (r *registrar) request(p *runtime.Process, msg any, kind reqKind) error {
	ref, err := p.Request(r.control(), msg, r.a.opts.CallTimeout)
	if err != nil {
		return err
	}
	r.reqs[ref] = kind
	return nil
}

// reply handles the control actor's answer to a call.
func (r *registrar) reply(p *runtime.Process, m runtime.Reply) {
	kind, ok := r.reqs[m.Ref]
	if !ok {
		return // an older session's
	}
	delete(r.reqs, m.Ref)
	ack, err := ackOf(m)
	switch {
	case kind == reqHeartbeat && err != nil:
		r.missed(p, err)
	case err != nil && kind == reqRefresh:
		r.a.log.Warn("host report refresh refused", "err", err)
	case err != nil:
		r.lost(p, map[reqKind]string{reqRegister: "register", reqList: "vm list"}[kind], err)
	case ack.Reregister:
		if kind == reqHeartbeat {
			r.a.m.Heartbeats.WithLabelValues("reregister").Inc()
		}
		r.again(p)
	case kind == reqRegister:
		r.registered(p)
	case kind == reqHeartbeat:
		r.misses = 0
		r.a.m.Heartbeats.WithLabelValues("ok").Inc()
	}
}

// ackOf extracts the control actor's Ack from a Reply.
func ackOf(m runtime.Reply) (proto.Ack, error) {
	if m.Err != nil {
		return proto.Ack{}, m.Err
	}
	ack, ok := m.Value.(proto.Ack)
	if !ok {
		return proto.Ack{}, fmt.Errorf("control answered %T: %w", m.Value, proto.ErrUnsupported)
	}
	return ack, ack.Err()
}

// registered follows an accepted Register: monitor the control actor,
// start the timers, take the VM list.
func (r *registrar) registered(p *runtime.Process) {
	ctrl := r.control()
	if r.monitored != ctrl.Node {
		r.mon = p.Monitor(ctrl)
		r.monitored = ctrl.Node
	}
	r.a.m.Registrations.WithLabelValues("ok").Inc()
	r.a.log.Info("registered", "control", ctrl.Node)
	if f := r.a.opts.OnRegistered; f != nil {
		go f(ctrl.Node)
	}
	r.attempt = 0
	r.misses = 0
	p.After(r.a.opts.HeartbeatInterval, heartbeatTick{session: r.session})
	p.After(r.a.opts.ResyncInterval, resyncTick{session: r.session})
	r.list()
}

// list takes the VM list in a goroutine; state changes wait meanwhile.
func (r *registrar) list() {
	r.phase = phaseListing
	r.resetPending()
	a, node, self, ctx, session := r.a, r.node, r.self, r.ctx, r.session
	go func() {
		qctx, cancel := context.WithTimeout(ctx, a.opts.QueryTimeout)
		vms, err := a.opts.Driver.List(qctx)
		cancel()
		m := listed{session: session, err: err}
		if err == nil {
			if vms == nil {
				vms = []driver.VM{}
			}
			m.vms, m.err = proto.Marshal(vms)
			for _, vm := range vms {
				m.uuids = append(m.uuids, vm.UUID)
			}
		}
		_ = node.Send(self, m)
	}()
}

// listed sends the VM list, then the state changes that waited for it.
func (r *registrar) listed(p *runtime.Process, m listed) {
	if m.err != nil {
		r.lost(p, "vm list", m.err)
		return
	}
	msg := proto.VMList{HV: r.a.opts.HV, Node: r.node.Name(), Time: time.Now().UnixMilli(), VMs: m.vms}
	if err := r.request(p, msg, reqList); err != nil {
		r.lost(p, "vm list", err)
		return
	}
	r.known = make(map[string]bool, len(m.uuids))
	for _, id := range m.uuids {
		r.known[id] = true
	}
	r.phase = phaseRegistered
	if !r.onSession {
		r.onSession = true
		r.a.m.Registered.Inc()
	}
	for _, id := range r.order {
		r.send(p, r.pending[id])
	}
	r.resetPending()
}

// stateChanged forwards, holds or drops a state change.
func (r *registrar) stateChanged(p *runtime.Process, m stateChanged) {
	if m.change.State == driver.StateDeleted {
		delete(r.known, m.change.UUID)
	} else {
		r.known[m.change.UUID] = true
	}
	switch r.phase {
	case phaseRegistered:
		r.send(p, m)
	case phaseListing:
		if _, ok := r.pending[m.change.UUID]; !ok {
			r.order = append(r.order, m.change.UUID)
		}
		r.pending[m.change.UUID] = m
		r.a.m.StateChanges.WithLabelValues("queued").Inc()
	default:
		// The VM list that opens the next session carries it.
		r.a.m.StateChanges.WithLabelValues("dropped").Inc()
	}
}

// send forwards one state change to the control actor.
func (r *registrar) send(p *runtime.Process, m stateChanged) {
	msg := proto.VMState{
		HV: r.a.opts.HV, Node: r.node.Name(), VM: m.change.UUID, State: string(m.change.State),
		Time: m.at.UnixMilli(), Info: m.info,
	}
	if err := p.Send(r.control(), msg); err != nil {
		r.a.m.StateChanges.WithLabelValues("dropped").Inc()
		r.a.log.Warn("state change not sent", "vm_uuid", m.change.UUID, "err", err)
		return
	}
	r.a.m.StateChanges.WithLabelValues("sent").Inc()
}

// missed counts an unanswered heartbeat; too many in a row end the
// session.
func (r *registrar) missed(p *runtime.Process, err error) {
	r.a.m.Heartbeats.WithLabelValues("failed").Inc()
	r.misses++
	if r.misses >= r.a.opts.MaxMissedHeartbeats {
		r.lost(p, "heartbeat", err)
	}
}

// lost ends the session and starts the next one, with the next control
// node, after a backoff.
func (r *registrar) lost(p *runtime.Process, step string, err error) {
	if r.phase < phaseListing {
		r.a.m.Registrations.WithLabelValues("failed").Inc()
	}
	r.a.log.Warn("control session lost", "control", r.controls[r.idx], "step", step, "err", err)
	r.reset()
	r.attempt++
	r.idx = (r.idx + 1) % len(r.controls)
	p.After(r.a.opts.Backoff.Delay(r.attempt, r.a.opts.Rand()), connectNow{session: r.session})
}

// again starts a new session with the same control node after the
// shortest backoff: it asked the agent to register again.
func (r *registrar) again(p *runtime.Process) {
	r.a.log.Info("control asks to register again", "control", r.controls[r.idx])
	r.reset()
	p.After(r.a.opts.Backoff.Delay(1, r.a.opts.Rand()), connectNow{session: r.session})
}

// reset ends the current session.
func (r *registrar) reset() {
	r.leave()
	r.session++
	r.phase = phaseIdle
	r.reqs = map[runtime.Ref]reqKind{}
	r.probing, r.reprobe = false, false
	r.misses = 0
	r.resetPending()
}

// leave takes the agent out of the registered count.
func (r *registrar) leave() {
	if r.onSession {
		r.onSession = false
		r.a.m.Registered.Dec()
	}
}

func (r *registrar) resetPending() {
	r.pending = map[string]stateChanged{}
	r.order = nil
}

// reportKey is the host report without the memory account (which
// heartbeats carry), to tell when the rest changed.
func reportKey(h driver.Host) []byte {
	h.Memory = driver.Memory{}
	b, _ := proto.Marshal(h)
	return b
}
