package howl

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/fifogo/fifo/apps/howl/hub"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// AppName is the howl application's name.
const AppName = "howl"

// supName is the registered name of howl's top supervisor.
const supName = "howl_sup"

// Path is where the release mounts Handler on the node's HTTP mux (Mount
// also serves the subtree below it, as the original /howl/... did).
const Path = "/howl"

// Service is one node's howl: the application whose actor receives
// published events, and the websocket handler whose connections subscribe
// to them. Build it with NewService, run App in the release, mount
// Handler.
type Service struct {
	opts Options
	log  *slog.Logger
	m    *Metrics
	// hub is the running howl actor's hub; nil while it does not run.
	hub atomic.Pointer[hub.Hub]
}

// NewService validates o and registers howl's metrics.
func NewService(o Options) (*Service, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	m, err := NewMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	return &Service{opts: o, log: o.Logger.With("app", AppName), m: m}, nil
}

// Metrics returns howl's metrics.
func (s *Service) Metrics() *Metrics { return s.m }

// Running reports whether the howl actor runs (Handler accepts clients).
func (s *Service) Running() bool { return s.hub.Load() != nil }

// Stats returns the running hub's counts of subscribers (connections)
// and channels; zero while howl does not run.
func (s *Service) Stats() hub.Stats {
	if h := s.hub.Load(); h != nil {
		return h.Stats()
	}
	return hub.Stats{}
}

// Tree is howl's supervision tree: the howl actor alone.
func (s *Service) Tree() supervisors.Supervisor {
	return supervisors.Supervisor{
		Name:      supName,
		Strategy:  supervisors.OneForOne,
		Intensity: 5,
		Period:    5,
		Children: func() []supervisors.Child {
			return []supervisors.Child{supervisors.ActorChild(runtime.Spec{
				Name:        Name,
				New:         func() runtime.Actor { return &actor{s: s} },
				MailboxSize: s.opts.MailboxSize,
			})}
		},
	}
}

// App is the howl application.
func (s *Service) App(version string) supervisors.App {
	return supervisors.App{
		Name:        AppName,
		Description: "howl: websocket event hub",
		Version:     version,
		Top:         s.Tree(),
	}
}

// Handler serves the websocket endpoint; it answers 503 while the howl
// actor does not run.
func (s *Service) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Mount mounts Handler at Path and below it on mux.
func (s *Service) Mount(mux *http.ServeMux) {
	h := s.Handler()
	mux.Handle(Path, h)
	mux.Handle(Path+"/", h)
}

// newHub builds the hub of one incarnation of the howl actor.
func (s *Service) newHub() *hub.Hub {
	return hub.New(hub.Options{
		BufferSize:  s.opts.BufferSize,
		MaxChannels: s.opts.MaxChannels,
		OnDrop:      func(r hub.Reason) { s.m.Dropped.WithLabelValues(string(r)).Inc() },
		OnDeliver:   func(n int) { s.m.Deliveries.Add(float64(n)) },
	})
}
