package chunter

import (
	"context"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
)

// watcher follows the driver's Watch stream and hands every state change,
// with the VM as the host reports it, to the registrar, which forwards it
// to the control plane in order with the session's other messages. The
// stream is read by a goroutine; a stream that fails or ends is opened
// again after a backoff.
type watcher struct {
	runtime.Base
	a       *Agent
	cancel  context.CancelFunc
	stream  int // numbers the streams, so a stale end is ignored
	attempt int
}

// watchStart opens the stream.
type watchStart struct{}

// watchEnded tells the watcher that stream number n ended by itself.
type watchEnded struct{ n int }

// stateChanged is one VM state change for the registrar.
type stateChanged struct {
	change driver.StateChange
	info   []byte // CBOR driver.VM; nil when gone or unreadable
	at     time.Time
}

// Init opens the stream in a first message.
func (w *watcher) Init(p *runtime.Process) { _ = p.SendSelf(watchStart{}) }

// HandleMessage opens and reopens the stream.
func (w *watcher) HandleMessage(p *runtime.Process, msg any) {
	switch m := msg.(type) {
	case watchStart:
		w.open(p)
	case watchEnded:
		if m.n != w.stream {
			return
		}
		w.stop()
		w.retry(p, "watch stream ended")
	default:
		w.Base.HandleMessage(p, msg)
	}
}

// Terminate closes the stream.
func (w *watcher) Terminate(*runtime.Process, string) { w.stop() }

func (w *watcher) open(p *runtime.Process) {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := w.a.opts.Driver.Watch(ctx)
	if err != nil {
		cancel()
		w.retry(p, "watch: "+err.Error())
		return
	}
	w.attempt = 0
	w.stream++
	w.cancel = cancel
	go pump(ctx, w.a, p.Node(), p.Self(), w.stream, ch)
}

func (w *watcher) stop() {
	if w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
}

func (w *watcher) retry(p *runtime.Process, why string) {
	w.attempt++
	d := w.a.opts.Backoff.Delay(w.attempt, w.a.opts.Rand())
	w.a.log.Warn("vm watch interrupted", "err", why, "retry_in", d)
	p.After(d, watchStart{})
}

// pump reads one stream until it ends, then tells the watcher unless the
// watcher ended it.
func pump(ctx context.Context, a *Agent, node *runtime.Node, self runtime.PID, n int, ch <-chan driver.StateChange) {
	for c := range ch {
		sc := stateChanged{change: c, at: time.Now()}
		if c.State != driver.StateDeleted {
			qctx, cancel := context.WithTimeout(ctx, a.opts.QueryTimeout)
			if vm, err := a.opts.Driver.Get(qctx, c.UUID); err == nil {
				sc.info, _ = proto.Marshal(vm)
			}
			cancel()
		}
		if err := node.Send(a.registrarName(), sc); err != nil {
			a.m.StateChanges.WithLabelValues("dropped").Inc()
		}
	}
	if ctx.Err() == nil {
		_ = node.Send(self, watchEnded{n: n})
	}
}
