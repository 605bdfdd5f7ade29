package sniffle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// AppName is the application's name.
const AppName = "sniffle"

// RunnerName is the registered name of the create runner.
const RunnerName = "sniffle_vms"

// DefaultConcurrency bounds the create flows that run at once.
const DefaultConcurrency = 64

// ErrNotRunning: the application is not running (503).
var ErrNotRunning = errors.New("sniffle: not running")

// Options configure the application.
type Options struct {
	// Concurrency bounds the create flows running at once. Default
	// DefaultConcurrency.
	Concurrency int
	// Logger receives the runner's log lines. Default: discarded.
	Logger *slog.Logger
	// CreateRetries and CreateRetryDelay bound the placement attempts of
	// a create and pause between them (vms.Options MaxRetries and
	// RetryDelay; zero takes their defaults).
	CreateRetries    int
	CreateRetryDelay time.Duration
	// CreateHostWait bounds how long a create whose call to a host's
	// agent ended without a clear answer waits for that host before the
	// VM fails (vms.Options HostWait; zero takes its default).
	CreateHostWait time.Duration
	// Node and NodeAlive name this control node and tell whether another
	// is a live member of the cluster: recovery takes up only the
	// interrupted creates of this node and of nodes that are gone
	// (vms.Options Node and Alive).
	Node      string
	NodeAlive func(ctx context.Context, node string) bool
}

// Service runs VM creates for the REST edge.
type Service struct {
	vms  *vms.Service
	opts Options
	sem  chan struct{}
	rcv  *client.Receiver // the agents' receiver in sniffle's tree, if any

	mu     sync.Mutex
	ctx    context.Context // of the running runner; nil when stopped
	flows  sync.WaitGroup
	cancel context.CancelFunc
}

// New returns the application's service over the VM logic.
func New(v *vms.Service, o Options) *Service {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{vms: v, opts: o, sem: make(chan struct{}, o.Concurrency)}
}

// Deps are what Build wires sniffle from.
type Deps struct {
	// Node is the node sniffle runs on; agents are reached from it.
	Node     *runtime.Node
	Cloud    *cloud.Service
	Identity vms.Identity
	// Events publishes VM events (to howl); nil drops them.
	Events     vms.Events
	Registerer prometheus.Registerer
	// Store, with Registerer, feeds the cloud's gauges (VMs by state,
	// hypervisor memory); nil exports none.
	Store recstore.Store
}

// Build returns sniffle over the agents of its node's cluster: the
// agents' receiver (in sniffle's tree) feeds Control, and the VM flows
// command agents through the receiver's directory, or, for an agent
// registered with another control node, on the node its hypervisor
// record names (resolve.go).
func Build(d Deps, o Options) (*Service, error) {
	s := New(nil, o)
	rcv, err := client.NewReceiver(client.ReceiverOptions{Control: s.Control(), Logger: s.opts.Logger, Registerer: d.Registerer})
	if err != nil {
		return nil, fmt.Errorf("sniffle: %w", err)
	}
	s.rcv = rcv
	if d.Registerer != nil && d.Store != nil {
		if err := d.Registerer.Register(newCloudCollector(d.Store, MetricsTTL, s.opts.Logger)); err != nil {
			return nil, fmt.Errorf("sniffle: metrics: %w", err)
		}
	}
	s.vms = vms.New(vms.Deps{Cloud: d.Cloud, Identity: d.Identity, Agents: newInstallingAgents(client.New(d.Node), agentResolver(rcv, d.Cloud), d.Cloud),
		Events: d.Events, Logger: s.opts.Logger}, vms.Options{MaxRetries: o.CreateRetries, RetryDelay: o.CreateRetryDelay,
		HostWait: o.CreateHostWait, Node: o.Node, Alive: o.NodeAlive})
	return s, nil
}

// Receive puts the agents' receiver (whose Control should be s.Control())
// into sniffle's supervision tree.
func (s *Service) Receive(r *client.Receiver) { s.rcv = r }

// VMs returns the VM logic.
func (s *Service) VMs() *vms.Service { return s.vms }

// Create registers a VM (its creator's grants are in place when it
// returns) and starts its create flow.
func (s *Service) Create(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) (string, error) {
	s.mu.Lock()
	running := s.ctx != nil
	s.mu.Unlock()
	if !running {
		return "", ErrNotRunning
	}
	id, err := s.vms.Register(ctx, creator, req, advanced)
	if err != nil {
		return "", err
	}
	s.start(id)
	return id, nil
}

// start runs a VM's create flow, supervised: a panic fails the VM.
func (s *Service) start(id string) {
	s.mu.Lock()
	ctx := s.ctx
	if ctx == nil {
		s.mu.Unlock()
		return // stays pooled: the next runner resumes it
	}
	s.flows.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.flows.Done()
		slot := &semSlot{sem: s.sem}
		if slot.Return(ctx) != nil {
			return // still pooled: resumed by the next runner
		}
		defer slot.Leave()
		defer func() {
			if r := recover(); r != nil {
				s.opts.Logger.Error("create flow panicked", "vm", id, "panic", r)
				if err := s.vms.Abandon(context.WithoutCancel(ctx), id, fmt.Sprintf("create crashed: %v", r)); err != nil {
					s.opts.Logger.Error("failing a crashed create", "vm", id, "err", err)
				}
			}
		}()
		if err := s.vms.Run(vms.WithSlot(ctx, slot), id); err != nil {
			s.opts.Logger.Warn("create flow", "vm", id, "err", err)
		}
	}()
}

// semSlot is a create flow's place in the runner's semaphore (vms.Slot):
// a flow waiting for a silent host gives it up meanwhile. Used by the
// flow's goroutine alone.
type semSlot struct {
	sem  chan struct{}
	held bool
}

// Leave implements vms.Slot.
func (s *semSlot) Leave() {
	if s.held {
		<-s.sem
		s.held = false
	}
}

// Return implements vms.Slot.
func (s *semSlot) Return(ctx context.Context) error {
	if s.held {
		return nil
	}
	select {
	case s.sem <- struct{}{}:
		s.held = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// App returns the sniffle application.
func (s *Service) App(version string) supervisors.App {
	return supervisors.App{
		Name:        AppName,
		Description: "the cloud: hypervisors, VMs, datasets, packages, networks",
		Version:     version,
		Top: supervisors.Supervisor{
			Name:      "sniffle_sup",
			Strategy:  supervisors.OneForOne,
			Intensity: 5,
			Period:    10,
			Children: func() []supervisors.Child {
				out := []supervisors.Child{supervisors.ActorChild(runtime.Spec{
					Name: RunnerName,
					New:  func() runtime.Actor { return &runner{s: s} },
				})}
				if s.rcv != nil {
					out = append(out, supervisors.ActorChild(s.rcv.Spec()))
				}
				return out
			},
		},
	}
}

// recoverMsg asks the runner to resume or fail interrupted creates.
type recoverMsg struct{}

// runner owns the context of the create flows.
type runner struct {
	runtime.Base
	s *Service
}

// Init opens the service to creates and schedules the recovery.
func (r *runner) Init(p *runtime.Process) {
	ctx, cancel := context.WithCancel(context.Background())
	r.s.mu.Lock()
	r.s.ctx, r.s.cancel = ctx, cancel
	r.s.mu.Unlock()
	_ = p.SendSelf(recoverMsg{})
}

// HandleMessage recovers interrupted creates.
func (r *runner) HandleMessage(p *runtime.Process, msg any) {
	if _, ok := msg.(recoverMsg); !ok {
		r.Base.HandleMessage(p, msg)
		return
	}
	ctx := context.Background()
	pooled, stuck, err := r.s.vms.Interrupted(ctx)
	if err != nil {
		p.Logger().Error("listing interrupted creates", "err", err)
		return
	}
	for _, id := range stuck {
		r.s.background("settling an interrupted create", id, func(ctx context.Context) error {
			return r.s.vms.Settle(ctx, id, "create interrupted (sniffle restarted)")
		})
	}
	for _, id := range pooled {
		r.s.start(id)
	}
	if len(pooled)+len(stuck) > 0 {
		p.Logger().Info("interrupted creates", "resumed", len(pooled), "settling", len(stuck))
	}
	deleting, err := r.s.vms.Deletions(ctx)
	if err != nil {
		p.Logger().Error("listing interrupted deletes", "err", err)
		return
	}
	for _, id := range deleting {
		r.s.background("resuming an interrupted delete", id, func(ctx context.Context) error {
			return r.s.vms.ResumeDelete(ctx, id)
		})
	}
	if len(deleting) > 0 {
		p.Logger().Info("interrupted deletes", "resumed", len(deleting))
	}
}

// background runs fn for VM id under the runner (Go), logging what it
// returns as what.
func (s *Service) background(what, id string, fn func(ctx context.Context) error) {
	log := s.opts.Logger
	err := s.Go(func(ctx context.Context) {
		if err := fn(ctx); err != nil {
			log.Warn(what, "vm", id, "err", err)
		}
	})
	if err != nil {
		log.Warn(what, "vm", id, "err", err)
	}
}

// Terminate closes the service to creates and cancels the running flows
// (their VMs end failed); it waits for them to finish.
func (r *runner) Terminate(p *runtime.Process, reason string) {
	r.s.mu.Lock()
	cancel := r.s.cancel
	r.s.ctx, r.s.cancel = nil, nil
	r.s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	r.s.flows.Wait()
}
