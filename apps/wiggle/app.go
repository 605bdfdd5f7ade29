package wiggle

import (
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// ActorName is the registered name of wiggle's actor.
const ActorName = "wiggle"

// App is the wiggle application: a supervisor with one actor whose Init
// switches the REST handler on and whose Terminate switches it off.
func (s *Server) App(version string) supervisors.App {
	return supervisors.App{
		Name:        AppName,
		Description: "REST API (FiFo API v2/v3): authentication and permission checks at the edge",
		Version:     version,
		Top: supervisors.Supervisor{
			Name:      "wiggle_sup",
			Strategy:  supervisors.OneForOne,
			Intensity: 5,
			Period:    5,
			Children: func() []supervisors.Child {
				return []supervisors.Child{supervisors.ActorChild(runtime.Spec{
					Name: ActorName,
					New:  func() runtime.Actor { return &actor{s: s} },
				})}
			},
		},
	}
}

// StatusRequest asks the actor whether the REST API is served; the reply
// is a bool.
type StatusRequest struct{}

// actor owns the switch of the REST handler.
type actor struct {
	runtime.Base
	s *Server
}

// Init switches the handler on.
func (a *actor) Init(*runtime.Process) { a.s.enable() }

// HandleCall answers StatusRequest.
func (a *actor) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	if _, ok := req.(StatusRequest); ok {
		return a.s.Running(), nil
	}
	return a.Base.HandleCall(p, from, req)
}

// Terminate switches the handler off.
func (a *actor) Terminate(_ *runtime.Process, reason string) { a.s.disable(reason) }
