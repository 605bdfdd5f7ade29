package vms

import (
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
)

// Service runs VM flows.
type Service struct {
	cloud  *cloud.Service
	repo   *entity.Repo
	id     Identity
	agents Agents
	events Events
	build  SpecBuilder
	opts   Options
	now    func() time.Time
	logger *slog.Logger
	seed   func() uint64
	// finishing holds the VMs whose delete is being finished.
	finishing sync.Map
	// running holds the VMs whose create flow runs here (Run): one flow
	// per VM, and none of them is taken for an interrupted one (Abandon).
	running sync.Map

	snapMu sync.Mutex
	snap   []record.Hypervisor // the last placement snapshot (read-only)
	snapAt time.Time

	// wake holds, by hypervisor, the channel HostBack closes for the
	// creates waiting for that host (hostwait.go).
	wakeMu sync.Mutex
	wake   map[string]chan struct{}

	byHVMu sync.Mutex
	byHV   map[string][]string // VMs by hypervisor (read-only)
	byHVAt time.Time
}

// Deps are a Service's collaborators.
type Deps struct {
	Cloud    *cloud.Service
	Identity Identity
	Agents   Agents
	Events   Events
	// Build makes agent specs; default VmadmSpec.
	Build SpecBuilder
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Seed gives each placement attempt its random seed.
	Seed   func() uint64
	Logger *slog.Logger
}

// New returns a Service.
func New(d Deps, o Options) *Service {
	if d.Build == nil {
		d.Build = VmadmSpec
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Events == nil {
		d.Events = EventsFunc(func(string, string, any) {})
	}
	if d.Seed == nil {
		var n atomic.Uint64
		d.Seed = func() uint64 { return n.Add(1) }
	}
	return &Service{cloud: d.Cloud, repo: d.Cloud.Repo(), id: d.Identity, agents: d.Agents, events: d.Events,
		build: d.Build, opts: o.withDefaults(), now: d.Now, logger: d.Logger, seed: d.Seed}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Cloud returns the non-VM domain service.
func (s *Service) Cloud() *cloud.Service { return s.cloud }
