package runtime

import (
	"fmt"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"
)

// Actor is the behaviour of one of our processes. A fresh value is built by
// Spec.New for every start and restart, so fields never leak between
// incarnations. Handlers run one at a time.
type Actor interface {
	// Init prepares the actor. It cannot fail: a supervised child whose
	// start fails deadlocks its ergo supervisor, so fallible setup belongs
	// in a first message (p.SendSelf). A panic here stops the actor after
	// it started.
	Init(p *Process)
	// HandleCall serves a request from Node.Call or Process.Request. It
	// returns the reply, or an error, or Deferred to answer later with
	// p.Reply(from, …).
	HandleCall(p *Process, from From, req any) (any, error)
	// HandleMessage handles everything else: sends, Reply values for the
	// actor's own requests, Down and NodeDown notifications.
	HandleMessage(p *Process, msg any)
	// Terminate runs when the actor stops. Deferred requests still pending
	// have already been answered with ErrStopped.
	Terminate(p *Process, reason string)
}

// Base gives an Actor default handlers; embed it and override what you need.
type Base struct{}

// Init does nothing.
func (Base) Init(*Process) {}

// HandleCall refuses every request.
func (Base) HandleCall(_ *Process, _ From, req any) (any, error) {
	return nil, fmt.Errorf("%w: %T", ErrUnsupported, req)
}

// HandleMessage logs and drops the message.
func (Base) HandleMessage(p *Process, msg any) {
	p.Logger().Warn("unexpected message", "type", fmt.Sprintf("%T", msg))
}

// Terminate does nothing.
func (Base) Terminate(*Process, string) {}

// Spec describes how to start an actor.
type Spec struct {
	// Name registers the process under a local name; "" leaves it unnamed.
	Name string
	// New builds a fresh actor for every (re)start. Required.
	New func() Actor
	// MailboxSize bounds the mailbox (default 1024; ergo's own default of
	// 100 drops too eagerly). Overflowing messages are dropped and counted.
	MailboxSize uint16
	// DirectboxSize bounds the queue of calls from plain Go (default 1024).
	// Calls beyond it fail at once with ErrBusy.
	DirectboxSize uint16
}

func (s Spec) processOptions() gen.ProcessOptions {
	o := gen.ProcessOptions{MailboxSize: s.MailboxSize, DirectboxSize: s.DirectboxSize}
	if o.MailboxSize == 0 {
		o.MailboxSize = 1024
	}
	if o.DirectboxSize == 0 {
		o.DirectboxSize = 1024
	}
	return o
}

func (s Spec) label() string {
	if s.Name == "" {
		return "unnamed"
	}
	return s.Name
}

// Spawn starts an unsupervised actor on the node.
func (n *Node) Spawn(s Spec) (gen.Process, error) {
	if s.New == nil {
		return nil, fmt.Errorf("spawn %s: Spec.New is nil", s.label())
	}
	p, err := n.ergo.Spawn(s.Name, s.processOptions(), n.Behavior(s))
	if err != nil {
		return nil, fmt.Errorf("spawn %s: %w", s.label(), err)
	}
	return p, nil
}

// Behavior returns the ergo behaviour that runs the actors of s; the
// supervisors package uses it for children.
func (n *Node) Behavior(s Spec) gen.ServerBehavior {
	return &server{n: n, spec: s}
}

// ProcessOptions returns the ergo process options of s.
func (s Spec) ProcessOptions() gen.ProcessOptions { return s.processOptions() }

// server adapts an Actor to ergo's gen.Server. ergo reuses this value across
// restarts; everything per incarnation lives in the Process kept in State.
type server struct {
	gen.Server
	n    *Node
	spec Spec
}

// stopSignal asks the process loop to stop with a reason.
type stopSignal struct{ reason string }

// directCall wraps a request made with Node.Call; the answer goes to ch.
type directCall struct {
	req any
	ch  chan directResult
}

// directResult is the answer to a directCall.
type directResult struct {
	v   any
	err error
}

// Init implements gen.Server. It never fails (see Actor.Init).
func (s *server) Init(sp *gen.ServerProcess, _ ...etf.Term) error {
	p := newProcess(sp, s.n, s.spec.label())
	sp.State = p
	s.n.metrics.Starts.WithLabelValues(p.label).Inc()
	p.actor = s.spec.New()
	if p.guard(func() { p.actor.Init(p) }) {
		sp.Send(sp.Self(), stopSignal{reason: "panic"})
	}
	return nil
}

// HandleDirect implements gen.Server for Node.Call. ergo's Direct only
// delivers the request: the answer always goes to the caller's channel
// (now, later through Reply, or ErrActorPanic/ErrStopped), never through
// ergo's reply path, whose waiter may see the process stop before it sees
// a reply that was already sent.
func (s *server) HandleDirect(sp *gen.ServerProcess, ref etf.Ref, msg interface{}) (interface{}, gen.DirectStatus) {
	p := sp.State.(*Process)
	dc, ok := msg.(directCall)
	if !ok || dc.ch == nil {
		return nil, fmt.Errorf("%w: direct %T", ErrUnsupported, msg)
	}
	s.n.traces.record(sp, p.label, "call", dc.req)
	from := From{kind: fromDirect, ref: ref, ch: dc.ch}
	reply, err, panicked := p.serve(from, dc.req)
	switch {
	case panicked:
		p.answer(from, nil, fmt.Errorf("%s: %w", p.label, ErrActorPanic))
		sp.Send(sp.Self(), stopSignal{reason: "panic"})
	case err != Deferred:
		p.answer(from, reply, err)
	}
	return nil, gen.DirectStatusOK
}

// HandleCall implements gen.Server for OTP-style gen_server:call requests
// (from Erlang nodes). Errors are answered as {error, Text}.
func (s *server) HandleCall(sp *gen.ServerProcess, gf gen.ServerFrom, msg etf.Term) (etf.Term, gen.ServerStatus) {
	p := sp.State.(*Process)
	s.n.traces.record(sp, p.label, "erlang_call", msg)
	from := From{kind: fromGenCall, gen: gf, ref: gf.Ref}
	reply, err, panicked := p.serve(from, msg)
	switch {
	case panicked:
		// ergo sends no reply when a handler stops its process: answer first.
		sp.SendReply(gf, errorTerm(ErrActorPanic))
		return nil, gen.ServerStatusStopWithReason("panic")
	case err == Deferred:
		return nil, gen.ServerStatusIgnore
	case err != nil:
		return errorTerm(err), gen.ServerStatusOK
	}
	return reply, gen.ServerStatusOK
}

// HandleCast implements gen.Server.
func (s *server) HandleCast(sp *gen.ServerProcess, msg etf.Term) gen.ServerStatus {
	return s.HandleInfo(sp, msg)
}

// HandleInfo implements gen.Server.
func (s *server) HandleInfo(sp *gen.ServerProcess, msg etf.Term) gen.ServerStatus {
	p := sp.State.(*Process)
	switch m := msg.(type) {
	case stopSignal:
		return gen.ServerStatusStopWithReason(m.reason)
	case Request:
		s.n.traces.record(sp, p.label, "request", m.Body)
		from := From{kind: fromRequest, ref: m.Ref, pid: m.From}
		reply, err, panicked := p.serve(from, m.Body)
		if panicked {
			p.answer(from, nil, fmt.Errorf("%s: %w", p.label, ErrActorPanic))
			return gen.ServerStatusStopWithReason("panic")
		}
		if err != Deferred {
			p.answer(from, reply, err)
		}
		return gen.ServerStatusOK
	}
	s.n.traces.record(sp, p.label, "message", msg)
	deliver, ok := p.intercept(msg)
	if !ok {
		return gen.ServerStatusOK
	}
	if p.guard(func() { p.actor.HandleMessage(p, deliver) }) {
		return gen.ServerStatusStopWithReason("panic")
	}
	if p.stopReason != "" {
		return gen.ServerStatusStopWithReason(p.stopReason)
	}
	return gen.ServerStatusOK
}

// Terminate implements gen.Server: pending deferred requests are answered
// with ErrStopped, then the actor's Terminate runs.
func (s *server) Terminate(sp *gen.ServerProcess, reason string) {
	p, ok := sp.State.(*Process)
	if !ok {
		return
	}
	p.failPending(fmt.Errorf("%s (%s): %w", p.label, reason, ErrStopped))
	p.guard(func() { p.actor.Terminate(p, reason) })
}

// errorTerm is the OTP-style error reply {error, Text}.
func errorTerm(err error) etf.Term {
	return etf.Tuple{etf.Atom("error"), err.Error()}
}
