package snarl

import (
	"context"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// AppName is the application's name.
const AppName = "snarl"

// SweeperName is the registered name of the token sweeper.
const SweeperName = "snarl_tokens"

// DefaultSweepEvery is how often expired tokens are deleted.
const DefaultSweepEvery = time.Minute

// Options configure the application.
type Options struct {
	// SweepEvery is the period of the token sweep. Default
	// DefaultSweepEvery.
	SweepEvery time.Duration
	// Logger receives the sweeper's log lines. Default: discarded.
	Logger *slog.Logger
}

// App returns the snarl application over svc.
func App(svc *identity.Service, version string, o Options) supervisors.App {
	if o.SweepEvery <= 0 {
		o.SweepEvery = DefaultSweepEvery
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return supervisors.App{
		Name:        AppName,
		Description: "identity and access: users, roles, orgs, clients, tokens",
		Version:     version,
		Top: supervisors.Supervisor{
			Name:      "snarl_sup",
			Strategy:  supervisors.OneForOne,
			Intensity: 5,
			Period:    10,
			Children: func() []supervisors.Child {
				return []supervisors.Child{supervisors.ActorChild(runtime.Spec{
					Name: SweeperName,
					New:  func() runtime.Actor { return &sweeper{svc: svc, every: o.SweepEvery, log: o.Logger} },
				})}
			},
		},
	}
}

// Sweep asks the sweeper to sweep now (operators and tests); the sweep
// runs in the actor, so Sweep returns before it is done.
type Sweep struct{}

// sweeper deletes expired tokens every period.
type sweeper struct {
	runtime.Base
	svc   *identity.Service
	every time.Duration
	log   *slog.Logger
}

// Init implements runtime.Actor.
func (s *sweeper) Init(p *runtime.Process) { p.After(s.every, Sweep{}) }

// HandleMessage implements runtime.Actor.
func (s *sweeper) HandleMessage(p *runtime.Process, msg any) {
	if _, ok := msg.(Sweep); !ok {
		s.Base.HandleMessage(p, msg)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.every)
	defer cancel()
	n, err := s.svc.SweepTokens(ctx)
	switch {
	case err != nil:
		s.log.Warn("token sweep", "err", err)
	case n > 0:
		s.log.Debug("token sweep", "expired", n)
	}
	p.After(s.every, Sweep{})
}
