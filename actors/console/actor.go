package console

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// Defaults of Options.
const (
	DefaultMaxConcurrent = 8
	DefaultTimeout       = 2 * time.Minute
)

// Options configure the console actor; zero fields take the defaults.
type Options struct {
	// MaxConcurrent bounds the commands running at once; a command beyond
	// it is answered at once with status 1 ("busy"). Default
	// DefaultMaxConcurrent.
	MaxConcurrent int
	// Timeout bounds one command; a trace gets its duration on top.
	// Default DefaultTimeout.
	Timeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Spec returns the console actor's spec, registered as Name.
func Spec(deps Deps, o Options) runtime.Spec {
	o = o.withDefaults()
	shell := NewShell(deps)
	return runtime.Spec{Name: Name, New: func() runtime.Actor {
		return &actor{shell: shell, opts: o}
	}}
}

// App returns the console application: one supervisor and the console
// actor. Releases run it on every node.
func App(deps Deps, version string, o Options) supervisors.App {
	return supervisors.App{
		Name:        AppName,
		Description: "operator console: fifo attach and fifo admin",
		Version:     version,
		Top: supervisors.Supervisor{
			Name:      "console_sup",
			Strategy:  supervisors.OneForOne,
			Intensity: 5,
			Period:    10,
			Children: func() []supervisors.Child {
				return []supervisors.Child{supervisors.ActorChild(Spec(deps, o))}
			},
		},
	}
}

// actor serves Requests. Each command runs in its own goroutine, answered
// through a detached Replier, so a slow command (a trace, a password hash,
// a store scan) never holds up the mailbox; a semaphore bounds them.
type actor struct {
	runtime.Base
	shell  *Shell
	opts   Options
	sem    chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
}

// Init implements runtime.Actor.
func (a *actor) Init(*runtime.Process) {
	a.sem = make(chan struct{}, a.opts.MaxConcurrent)
	a.ctx, a.cancel = context.WithCancel(context.Background())
}

// HandleCall implements runtime.Actor.
func (a *actor) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	r, ok := req.(Request)
	if !ok {
		return a.Base.HandleCall(p, from, req)
	}
	if len(r.Args) == 0 {
		return Reply{Output: "empty command: try help\n", Status: StatusUsage}, nil
	}
	select {
	case a.sem <- struct{}{}:
	default:
		return Reply{Output: fmt.Sprintf("error: console busy (%d commands running); try again\n", cap(a.sem)),
			Status: StatusFailed}, nil
	}
	answer := p.Detach(from)
	ctx, cancel := context.WithTimeout(a.ctx, a.opts.Timeout+TraceDuration(r.Args))
	log := p.Logger()
	go func() {
		defer cancel()
		defer func() { <-a.sem }()
		defer func() {
			if v := recover(); v != nil {
				log.Error("console command panicked", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				answer(Reply{Output: "error: the command panicked (see the node's log)\n", Status: StatusFailed}, nil)
			}
		}()
		answer(a.shell.Run(ctx, r), nil)
	}()
	return nil, runtime.Deferred
}

// Terminate implements runtime.Actor: running commands are cancelled (they
// still answer).
func (a *actor) Terminate(*runtime.Process, string) { a.cancel() }
