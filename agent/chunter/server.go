package chunter

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/chunter/keyq"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
)

// server is the agent actor (proto.AgentName): it serves the control
// plane's requests by running the driver. The work never runs in the
// actor's handler: each command runs in a goroutine that answers the
// caller itself (runtime Detach), so a ten-minute create does not hold up
// a reservation. Commands on one VM run one at a time, in arrival order
// (keyq); queries run at once. Memory admission is atomic in the driver.
type server struct {
	runtime.Base
	a *Agent

	node   *runtime.Node
	self   runtime.PID
	ctx    context.Context // cancelled when the actor stops
	cancel context.CancelFunc
	queue  keyq.Queue[job]
}

// job is a command with the caller waiting for it.
type job struct {
	command
	reply runtime.Replier
}

// jobDone tells the actor that the running command of key finished.
type jobDone struct{ key string }

// memoryChanged tells the registrar that the host's memory account
// changed, so it sends a heartbeat now.
type memoryChanged struct{}

// Init prepares the context of the commands.
func (s *server) Init(p *runtime.Process) {
	s.node, s.self = p.Node(), p.Self()
	s.ctx, s.cancel = context.WithCancel(context.Background())
}

// HandleCall starts or queues the command of a request; malformed and
// unknown requests are answered at once.
func (s *server) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	c, err := s.a.command(req)
	if err != nil {
		s.a.m.Commands.WithLabelValues("refused", proto.CodeOf(err)).Inc()
		return proto.ReplyOf(nil, err), nil
	}
	j := job{command: c, reply: p.Detach(from)}
	switch {
	case c.key == "" || s.queue.Push(c.key, j):
		s.start(j)
	default:
		s.a.m.Waiting.Inc()
	}
	return nil, runtime.Deferred
}

// HandleMessage starts the next command of a key whose command finished.
func (s *server) HandleMessage(p *runtime.Process, msg any) {
	d, ok := msg.(jobDone)
	if !ok {
		s.Base.HandleMessage(p, msg)
		return
	}
	if next, ok := s.queue.Done(d.key); ok {
		s.a.m.Waiting.Dec()
		s.start(next)
	}
}

// Terminate cancels the running commands (their goroutines answer with
// the driver's error) and answers the queued ones with ErrUnavailable.
func (s *server) Terminate(p *runtime.Process, reason string) {
	s.cancel()
	for _, j := range s.queue.Drain() {
		s.a.m.Waiting.Dec()
		j.reply(proto.ReplyOf(nil, fmt.Errorf("agent %s stopped (%s): %w", s.a.opts.HV, reason, proto.ErrUnavailable)), nil)
	}
}

// start runs a job in its own goroutine. The goroutine answers the
// caller, then tells the registrar about a memory change and the actor
// that the key is free; both sends fail harmlessly once they have
// stopped.
func (s *server) start(j job) {
	a, node, self, base := s.a, s.node, s.self, s.ctx
	go func() {
		ctx, cancel := context.WithTimeout(base, j.timeout)
		t0 := time.Now()
		r := j.run(ctx)
		cancel()
		a.m.CommandSeconds.WithLabelValues(j.name).Observe(time.Since(t0).Seconds())
		code := r.Code
		if code == "" {
			code = "ok"
		} else if code != proto.CodeNotFound {
			a.log.Warn("command failed", "command", j.name, "code", r.Code, "err", r.Message)
		}
		a.m.Commands.WithLabelValues(j.name, code).Inc()
		j.reply(r, nil)
		if j.after != nil {
			j.after()
		}
		if j.memory && r.Code == "" {
			_ = node.Send(a.registrarName(), memoryChanged{})
		}
		if j.key != "" {
			_ = node.Send(self, jobDone{key: j.key})
		}
	}()
}
