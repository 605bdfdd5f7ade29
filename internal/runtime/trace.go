package runtime

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ergo-services/ergo/gen"
)

// ergo v1.999.224 offers no message tracing (nothing like Erlang's dbg or
// sys:trace). Every actor of this package runs under our own gen.Server
// adapter, so the adapter reports what it takes from the mailbox to the
// traces asked for with Node.Trace. Only actors can be traced, not ergo's
// supervisors and application processes, and an event names the message's
// Go type, never its content: messages carry passwords and tokens.

// TraceEvent is one message a traced actor took from its mailbox.
type TraceEvent struct {
	// At is when the actor took it.
	At time.Time
	// Kind is "call" (Node.Call from plain Go), "request" (Process.Request
	// from an actor, maybe on another node), "erlang_call" (gen_server:call
	// from an Erlang node) or "message" (sends and casts).
	Kind string
	// Type is the message's Go type; for calls and requests the type of
	// the request carried.
	Type string
	// Queue counts the messages still waiting behind it.
	Queue int
}

// Trace is an active trace of one actor, started with Node.Trace.
type Trace struct {
	// C receives the events. It is never closed: stop reading after Stop.
	C <-chan TraceEvent

	ch      chan TraceEvent
	name    string
	n       *Node
	dropped atomic.Int64
	once    sync.Once
}

// tracing holds a node's active traces by actor name. The map is replaced,
// never changed, so actors read it without a lock; without traces the cost
// per message is one atomic load.
type tracing struct {
	mu     sync.Mutex
	active atomic.Pointer[map[string][]*Trace]
}

// Trace starts tracing the actor registered as name: every message it takes
// from its mailbox is reported on the returned Trace's channel, which holds
// buffer events; events that find it full are dropped and counted.
// It fails with ErrNoProc for an unknown name and ErrUnsupported for a
// process that is not one of our actors.
func (n *Node) Trace(name string, buffer int) (*Trace, error) {
	p := n.ergo.ProcessByName(name)
	if p == nil {
		return nil, fmt.Errorf("trace %s: %w", name, ErrNoProc)
	}
	if _, ok := p.Behavior().(*server); !ok {
		return nil, fmt.Errorf("trace %s: %w: a %s, only actors can be traced", name, ErrUnsupported, kindOf(p.Behavior()))
	}
	if buffer <= 0 {
		buffer = 1
	}
	ch := make(chan TraceEvent, buffer)
	t := &Trace{C: ch, ch: ch, name: name, n: n}
	n.traces.update(func(m map[string][]*Trace) { m[name] = append(m[name], t) })
	return t, nil
}

// Stop ends the trace and returns how many events were dropped because the
// channel was full.
func (t *Trace) Stop() (dropped int64) {
	t.once.Do(func() {
		t.n.traces.update(func(m map[string][]*Trace) {
			var keep []*Trace
			for _, x := range m[t.name] {
				if x != t {
					keep = append(keep, x)
				}
			}
			if len(keep) == 0 {
				delete(m, t.name)
			} else {
				m[t.name] = keep
			}
		})
	})
	return t.dropped.Load()
}

// update replaces the map of active traces with a changed copy.
func (tr *tracing) update(change func(map[string][]*Trace)) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	next := map[string][]*Trace{}
	if cur := tr.active.Load(); cur != nil {
		for k, v := range *cur {
			next[k] = v
		}
	}
	change(next)
	if len(next) == 0 {
		tr.active.Store(nil)
		return
	}
	tr.active.Store(&next)
}

// record reports a message taken by the actor labelled name to its traces.
func (tr *tracing) record(sp *gen.ServerProcess, name, kind string, msg any) {
	m := tr.active.Load()
	if m == nil {
		return
	}
	list := (*m)[name]
	if len(list) == 0 {
		return
	}
	ev := TraceEvent{At: time.Now(), Kind: kind, Type: fmt.Sprintf("%T", msg), Queue: sp.Info().MessageQueueLen}
	for _, t := range list {
		select {
		case t.ch <- ev:
		default:
			t.dropped.Add(1)
		}
	}
}
