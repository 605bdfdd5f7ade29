package supervisors

import (
	"fmt"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"

	"github.com/fifogo/fifo/internal/runtime"
)

// Strategy is a restart strategy.
type Strategy string

// Restart strategies, as in OTP.
const (
	OneForOne  Strategy = Strategy(gen.SupervisorStrategyOneForOne)
	OneForAll  Strategy = Strategy(gen.SupervisorStrategyOneForAll)
	RestForOne Strategy = Strategy(gen.SupervisorStrategyRestForOne)
)

// Defaults for Supervisor.
const (
	DefaultIntensity = 5
	DefaultPeriod    = 5 // seconds
)

// Supervisor describes a supervisor and its children.
type Supervisor struct {
	// Name registers the supervisor under a local name ("" = unnamed).
	Name string
	// Strategy defaults to OneForOne.
	Strategy Strategy
	// Intensity restarts within Period seconds are tolerated; one more
	// stops the supervisor (and escalates). Defaults to DefaultIntensity.
	Intensity uint16
	// Period in seconds; defaults to DefaultPeriod.
	Period uint16
	// Children builds the children, in start order, for every (re)start.
	Children func() []Child
}

// Child is either an actor or a nested supervisor.
type Child struct {
	Actor      *runtime.Spec
	Supervisor *Supervisor
}

// ActorChild wraps an actor spec as a child.
func ActorChild(s runtime.Spec) Child { return Child{Actor: &s} }

// SupervisorChild wraps a supervisor as a child.
func SupervisorChild(s Supervisor) Child { return Child{Supervisor: &s} }

func (s Supervisor) withDefaults() Supervisor {
	if s.Strategy == "" {
		s.Strategy = OneForOne
	}
	if s.Intensity == 0 {
		s.Intensity = DefaultIntensity
	}
	if s.Period == 0 {
		s.Period = DefaultPeriod
	}
	return s
}

// Validate reports a malformed tree: missing child builders, children that
// are neither or both kinds, duplicate names.
func (s Supervisor) Validate() error {
	seen := map[string]bool{}
	return s.validate(seen)
}

func (s Supervisor) validate(seen map[string]bool) error {
	if s.Children == nil {
		return fmt.Errorf("supervisor %q: Children is nil", s.Name)
	}
	if s.Name != "" {
		if seen[s.Name] {
			return fmt.Errorf("supervisor %q: name used twice in the tree", s.Name)
		}
		seen[s.Name] = true
	}
	for i, c := range s.Children() {
		switch {
		case (c.Actor == nil) == (c.Supervisor == nil):
			return fmt.Errorf("supervisor %q child %d: want exactly one of Actor, Supervisor", s.Name, i)
		case c.Actor != nil:
			if c.Actor.New == nil {
				return fmt.Errorf("supervisor %q child %d (%s): Spec.New is nil", s.Name, i, c.Actor.Name)
			}
			if c.Actor.Name != "" {
				if seen[c.Actor.Name] {
					return fmt.Errorf("supervisor %q: name %q used twice in the tree", s.Name, c.Actor.Name)
				}
				seen[c.Actor.Name] = true
			}
		default:
			if err := c.Supervisor.validate(seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// Names lists every registered name in the tree, the supervisor's own
// included.
func (s Supervisor) Names() []string {
	var out []string
	if s.Name != "" {
		out = append(out, s.Name)
	}
	for _, c := range s.Children() {
		if c.Actor != nil && c.Actor.Name != "" {
			out = append(out, c.Actor.Name)
		}
		if c.Supervisor != nil {
			out = append(out, c.Supervisor.Names()...)
		}
	}
	return out
}

// behavior is the ergo supervisor running s.
type behavior struct {
	gen.Supervisor
	n    *runtime.Node
	spec Supervisor
}

// Init implements gen.SupervisorBehavior. The children slice is built
// afresh every time.
func (b *behavior) Init(...etf.Term) (gen.SupervisorSpec, error) {
	s := b.spec.withDefaults()
	var children []gen.SupervisorChildSpec
	for _, c := range s.Children() {
		if c.Actor != nil {
			children = append(children, gen.SupervisorChildSpec{
				Name: c.Actor.Name, Child: b.n.Behavior(*c.Actor), Options: c.Actor.ProcessOptions(),
			})
			continue
		}
		children = append(children, gen.SupervisorChildSpec{
			Name: c.Supervisor.Name, Child: &behavior{n: b.n, spec: *c.Supervisor},
		})
	}
	return gen.SupervisorSpec{
		Name:     s.Name,
		Children: children,
		Strategy: gen.SupervisorStrategy{
			Type: gen.SupervisorStrategyType(s.Strategy),
			// ergo counts the initial start against the intensity.
			Intensity: s.Intensity + 1,
			Period:    s.Period,
			Restart:   gen.SupervisorStrategyRestartPermanent,
		},
	}, nil
}

// Start starts an unsupervised supervisor tree on the node (applications
// use StartApp instead).
func Start(n *runtime.Node, s Supervisor) (gen.Process, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p, err := n.Ergo().Spawn(s.Name, gen.ProcessOptions{}, &behavior{n: n, spec: s})
	if err != nil {
		return nil, fmt.Errorf("supervisor %q: %w", s.Name, err)
	}
	return p, nil
}
