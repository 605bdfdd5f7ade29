package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"
	"github.com/ergo-services/ergo/lib"
)

// From identifies the caller of a request so the reply can be sent later.
type From struct {
	kind fromKind
	ref  etf.Ref
	pid  etf.Pid
	gen  gen.ServerFrom
	ch   chan directResult // fromDirect: the caller's answer channel (buffered 1)
}

type fromKind uint8

const (
	fromNone fromKind = iota
	fromDirect
	fromRequest
	fromGenCall
)

// Valid reports whether f names a caller.
func (f From) Valid() bool { return f.kind != fromNone }

// Reply is delivered to HandleMessage for every Process.Request: the
// callee's answer, or ErrTimeout, ErrNoProc, ErrNodeDown or ErrStopped.
type Reply struct {
	Ref   etf.Ref
	Value any
	Err   error
}

// Down is delivered to HandleMessage when a process monitored with
// Process.Monitor stops.
type Down struct {
	Ref    etf.Ref
	Reason string
}

// NodeDown is delivered to HandleMessage when a node monitored with
// Process.MonitorNode disconnects.
type NodeDown struct {
	Ref  etf.Ref
	Name string
}

// requestTimeout fires for an outstanding request.
type requestTimeout struct{ ref etf.Ref }

// outstanding is an in-flight Process.Request.
type outstanding struct {
	monitor etf.Ref
	cancel  gen.CancelFunc
}

// Process is an actor's handle on its ergo process, valid inside its
// handlers (and only there: it is not safe for other goroutines).
type Process struct {
	sp    *gen.ServerProcess
	n     *Node
	label string
	log   *slog.Logger
	actor Actor

	pending    map[etf.Ref]From         // deferred replies owed
	requests   map[etf.Ref]*outstanding // our requests in flight, by request ref
	monitors   map[etf.Ref]etf.Ref      // monitor ref -> request ref
	stopReason string
}

func newProcess(sp *gen.ServerProcess, n *Node, label string) *Process {
	return &Process{
		sp: sp, n: n, label: label,
		log:      n.log.With("actor", label),
		pending:  map[etf.Ref]From{},
		requests: map[etf.Ref]*outstanding{},
		monitors: map[etf.Ref]etf.Ref{},
	}
}

// Self returns the process id.
func (p *Process) Self() etf.Pid { return p.sp.Self() }

// Name returns the registered name ("unnamed" when none).
func (p *Process) Name() string { return p.label }

// Node returns the node the process runs on.
func (p *Process) Node() *Node { return p.n }

// Logger returns the actor's logger (with node and actor attributes).
func (p *Process) Logger() *slog.Logger { return p.log }

// Send sends msg to a process: a local name (string), a ProcessID or a pid.
// Messages to other nodes are checked with CheckWire first. A full mailbox
// returns ErrMailboxFull (ergo logs the drop and the log bridge counts it).
func (p *Process) Send(to any, msg any) error {
	return p.n.send(p.sp, to, msg)
}

// SendSelf sends msg to the process itself; it is handled after the
// messages already queued.
func (p *Process) SendSelf(msg any) error { return p.Send(p.Self(), msg) }

// After sends msg to the process itself after d. It returns a function
// that cancels the timer.
func (p *Process) After(d time.Duration, msg any) (cancel func() bool) {
	return p.sp.SendAfter(p.Self(), msg, d)
}

// Stop stops the process with reason once the current handler returns.
func (p *Process) Stop(reason string) {
	if reason == "" {
		reason = "normal"
	}
	p.stopReason = reason
	p.SendSelf(stopSignal{reason: reason})
}

// Monitor monitors a process (name, ProcessID or pid); a Down with the
// returned ref arrives when it stops.
func (p *Process) Monitor(to any) etf.Ref {
	return p.sp.MonitorProcess(p.n.ergoTarget(to))
}

// MonitorNode monitors a node; a NodeDown arrives when it disconnects.
func (p *Process) MonitorNode(name string) etf.Ref { return p.sp.MonitorNode(name) }

// Request sends req to another actor and returns at once. The answer
// arrives later in HandleMessage as a Reply with the returned ref: the
// callee's reply or error, or ErrTimeout after timeout, or ErrNoProc /
// ErrNodeDown / ErrStopped when the callee is gone. Exactly one Reply
// arrives for every ref returned without error.
func (p *Process) Request(to any, req any, timeout time.Duration) (etf.Ref, error) {
	target := p.n.ergoTarget(to)
	ref := p.sp.MakeRef()
	mon := p.sp.MonitorProcess(target)
	if err := p.n.send(p.sp, to, Request{Ref: ref, From: p.Self(), Body: req}); err != nil {
		p.sp.DemonitorProcess(mon)
		p.n.metrics.CallErrors.WithLabelValues(reasonLabel(err)).Inc()
		return ref, err
	}
	o := &outstanding{monitor: mon}
	if timeout > 0 {
		o.cancel = p.After(timeout, requestTimeout{ref: ref})
	}
	p.requests[ref] = o
	p.monitors[mon] = ref
	return ref, nil
}

// Reply answers a request received by HandleCall (deferred or not).
// Replying twice or to an unknown From does nothing.
func (p *Process) Reply(from From, v any, err error) {
	if _, ok := p.pending[from.ref]; !ok && from.kind != fromNone {
		// Not (or no longer) owed by this process: answered already, or
		// detached.
		return
	}
	delete(p.pending, from.ref)
	reply(p.sp, p.n, from, v, err)
}

// answer replies to a request served now (not deferred).
func (p *Process) answer(from From, v any, err error) { reply(p.sp, p.n, from, v, err) }

// Replier answers one request from any goroutine; calls after the first do
// nothing.
type Replier func(v any, err error)

// Detach hands the answer to a deferred request over to other code, which
// may call the returned Replier from any goroutine (a disk syncer, say).
// The request no longer belongs to the process: Reply ignores it and a stop
// does not answer it, so the holder of the Replier must always call it.
func (p *Process) Detach(from From) Replier {
	delete(p.pending, from.ref)
	sp, n := p.sp, p.n
	var once sync.Once
	return func(v any, err error) {
		once.Do(func() { reply(sp, n, from, v, err) })
	}
}

// reply sends an answer; it is safe from any goroutine.
func reply(sp *gen.ServerProcess, n *Node, from From, v any, err error) {
	switch from.kind {
	case fromDirect:
		// Buffered for one answer; a caller that gave up never reads it.
		select {
		case from.ch <- directResult{v: v, err: err}:
		default:
		}
	case fromRequest:
		code, msg := encodeError(err)
		if err != nil {
			v = nil
		}
		_ = n.send(sp, from.pid, Response{Ref: from.ref, Body: v, ErrCode: code, ErrMsg: msg})
	case fromGenCall:
		if err != nil {
			v = errorTerm(err)
		}
		_ = sp.SendReply(from.gen, v)
	}
}

// serve runs HandleCall with panic protection and bookkeeping of deferred
// replies: the request is owed while the handler runs and, if it defers,
// until it is answered or detached.
func (p *Process) serve(from From, req any) (out any, err error, panicked bool) {
	p.pending[from.ref] = from
	panicked = p.guard(func() { out, err = p.actor.HandleCall(p, from, req) })
	if panicked || err != Deferred {
		delete(p.pending, from.ref)
	}
	if panicked {
		return nil, nil, true
	}
	return out, err, false
}

// guard runs f and reports whether it panicked (logged and counted).
func (p *Process) guard(f func()) (panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			panicked = true
			p.n.metrics.Panics.WithLabelValues(p.label).Inc()
			p.log.Error("actor panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	f()
	return false
}

// intercept turns runtime messages into what the actor sees. It returns
// false when the message was consumed.
func (p *Process) intercept(msg any) (any, bool) {
	switch m := msg.(type) {
	case Response:
		o, ok := p.requests[m.Ref]
		if !ok {
			return nil, false // late answer to a request that timed out
		}
		p.finish(m.Ref, o)
		err := decodeError(m.ErrCode, m.ErrMsg)
		if err != nil {
			p.n.metrics.CallErrors.WithLabelValues("remote_error").Inc()
		}
		return Reply{Ref: m.Ref, Value: m.Body, Err: err}, true
	case requestTimeout:
		o, ok := p.requests[m.ref]
		if !ok {
			return nil, false
		}
		p.finish(m.ref, o)
		p.n.metrics.CallErrors.WithLabelValues("timeout").Inc()
		return Reply{Ref: m.ref, Err: ErrTimeout}, true
	case gen.MessageDown:
		ref, ok := p.monitors[m.Ref]
		if !ok {
			return Down{Ref: m.Ref, Reason: m.Reason}, true
		}
		o := p.requests[ref]
		p.finish(ref, o)
		err := downError(m.Reason)
		p.n.metrics.CallErrors.WithLabelValues(reasonLabel(err)).Inc()
		return Reply{Ref: ref, Err: err}, true
	case gen.MessageNodeDown:
		return NodeDown{Ref: m.Ref, Name: m.Name}, true
	}
	return msg, true
}

// finish forgets an outstanding request.
func (p *Process) finish(ref etf.Ref, o *outstanding) {
	delete(p.requests, ref)
	if o == nil {
		return
	}
	delete(p.monitors, o.monitor)
	p.sp.DemonitorProcess(o.monitor)
	if o.cancel != nil {
		o.cancel()
	}
}

// failPending answers every deferred request with err.
func (p *Process) failPending(err error) {
	for _, from := range p.pending {
		p.Reply(from, nil, err)
	}
}

// downError maps an ergo down reason to an error.
func downError(reason string) error {
	switch reason {
	case "noproc":
		return ErrNoProc
	case "noconnection":
		return ErrNodeDown
	default:
		return fmt.Errorf("%w (%s)", ErrStopped, reason)
	}
}

// reasonLabel maps an error to the CallErrors label.
func reasonLabel(err error) string {
	switch {
	case err == nil:
		return "none"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrNoProc):
		return "noproc"
	case errors.Is(err, ErrStopped):
		return "stopped"
	case errors.Is(err, ErrActorPanic):
		return "panic"
	case errors.Is(err, ErrBusy):
		return "busy"
	case errors.Is(err, ErrNodeDown):
		return "nodedown"
	case errors.Is(err, ErrMailboxFull):
		return "mailbox_full"
	case errors.Is(err, ErrEmptyList):
		return "empty_list"
	}
	return "other"
}

// mapErgoError converts ergo's errors into this package's.
func mapErgoError(err error) error {
	switch err {
	case nil:
		return nil
	case lib.ErrProcessMailboxFull:
		return ErrMailboxFull
	case lib.ErrProcessBusy:
		return ErrBusy
	case lib.ErrTimeout:
		return ErrTimeout
	case lib.ErrProcessTerminated:
		return ErrStopped
	case lib.ErrProcessUnknown:
		return ErrNoProc
	case lib.ErrNoRoute:
		return fmt.Errorf("%w: %v", ErrNodeDown, err)
	}
	return err
}

// PID identifies a process; it is ergo's pid, named here so actors need not
// import ergo.
type PID = etf.Pid

// Ref identifies a request (Process.Request) or a monitor; it is ergo's
// reference, named here so actors need not import ergo.
type Ref = etf.Ref
