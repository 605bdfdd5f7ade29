package chunter

import (
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/agent/proto"
	_ "github.com/fifogo/fifo/agent/proto/wire" // the protocol's network registration
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// Agent is the agent of one hypervisor: the actors that serve the control
// plane's commands, watch the VMs and keep a session with a control node.
// Build it with New and run its Tree (usually through App).
type Agent struct {
	opts Options
	log  *slog.Logger
	m    *Metrics
}

// New validates o and returns the agent of hypervisor o.HV.
func New(o Options) (*Agent, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	if o.Metrics == nil {
		m, err := NewMetrics(prometheus.NewRegistry())
		if err != nil {
			return nil, err
		}
		o.Metrics = m
	}
	return &Agent{opts: o, log: o.Logger.With("app", AppName, "hv", o.HV), m: o.Metrics}, nil
}

// HV returns the hypervisor's uuid.
func (a *Agent) HV() string { return a.opts.HV }

// Name returns the registered name of the agent actor (proto.AgentName).
func (a *Agent) Name() string { return proto.AgentName(a.opts.HV) }

// registrarName is the registered name of the agent's registrar.
func (a *Agent) registrarName() string { return "chunter_registrar_" + a.opts.HV }

// watcherName is the registered name of the agent's watcher.
func (a *Agent) watcherName() string { return "chunter_watcher_" + a.opts.HV }

// supName is the registered name of the agent's supervisor.
func (a *Agent) supName() string { return "chunter_sup_" + a.opts.HV }

// Tree is the agent's supervision tree: the agent actor (commands), the
// registrar (the session with the control plane) and the watcher (VM
// state changes, forwarded through the registrar). Each restarts alone: a
// restarted registrar opens a new session (reporting every VM again), a
// restarted watcher reports the current state of every VM, a restarted
// agent actor answers the commands it had not started with
// proto.ErrUnavailable and cancels the running ones.
func (a *Agent) Tree() supervisors.Supervisor {
	return supervisors.Supervisor{
		Name:      a.supName(),
		Strategy:  supervisors.OneForOne,
		Intensity: 10,
		Period:    10,
		Children: func() []supervisors.Child {
			return []supervisors.Child{
				// The agent actor first: a control node monitors it as soon
				// as the registrar registers.
				supervisors.ActorChild(runtime.Spec{
					Name:          a.Name(),
					New:           func() runtime.Actor { return &server{a: a} },
					MailboxSize:   a.opts.MailboxSize,
					DirectboxSize: a.opts.MailboxSize,
				}),
				supervisors.ActorChild(runtime.Spec{
					Name:        a.registrarName(),
					New:         func() runtime.Actor { return &registrar{a: a} },
					MailboxSize: a.opts.MailboxSize,
				}),
				supervisors.ActorChild(runtime.Spec{
					Name:        a.watcherName(),
					New:         func() runtime.Actor { return &watcher{a: a} },
					MailboxSize: a.opts.MailboxSize,
				}),
			}
		},
	}
}

// AppName is the name of the chunter application.
const AppName = "chunter"

// appSupName is the registered name of the application's top supervisor.
const appSupName = "chunter_sup"

// App is the chunter application running the given agents, one tree
// each, under one top supervisor. A node runs one chunter application:
// the chunter binary with one hypervisor, or an all-in-one node with
// several simulated ones. Their uuids must differ.
func App(version string, agents ...*Agent) (supervisors.App, error) {
	if len(agents) == 0 {
		return supervisors.App{}, fmt.Errorf("chunter app: no agents")
	}
	seen := map[string]bool{}
	for _, a := range agents {
		if seen[a.HV()] {
			return supervisors.App{}, fmt.Errorf("chunter app: hypervisor %s twice", a.HV())
		}
		seen[a.HV()] = true
	}
	return supervisors.App{
		Name:        AppName,
		Description: "chunter: hypervisor agents",
		Version:     version,
		Top: supervisors.Supervisor{
			Name:      appSupName,
			Strategy:  supervisors.OneForOne,
			Intensity: 5,
			Period:    5,
			Children: func() []supervisors.Child {
				out := make([]supervisors.Child, 0, len(agents))
				for _, a := range agents {
					out = append(out, supervisors.SupervisorChild(a.Tree()))
				}
				return out
			},
		},
	}, nil
}
