package handoff

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/fifogo/fifo/actors/handoff/plan"
	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

// Name is the handoff actor's registered name on every node.
const Name = "handoff"

// Service is handoff on one node: its options, the watch of partitions
// being transferred, progress and counters.
type Service struct {
	opts  Options
	m     *Metrics
	watch *plan.Watch

	mu      sync.Mutex
	current Progress

	completed, repatriated, failed, records atomic.Int64
}

// Progress describes the task in progress.
type Progress struct {
	// Kind is "transfer" or "repatriate"; empty when idle.
	Kind string
	// Partition is the partition moving, To its receiver.
	Partition int
	To        string
	// Sent counts the records and names acknowledged so far.
	Sent int64
}

// Stats are a node's handoff counters since its start.
type Stats struct {
	// Current is the task in progress (Kind empty when idle).
	Current Progress
	// Completed counts transfers completed in the ring, Repatriated
	// repatriations done, Failed tasks that failed (retried later).
	Completed, Repatriated, Failed int64
	// Records counts records and names acknowledged by receivers.
	Records int64
}

// New checks the options and returns the node's handoff service.
func New(o Options) (*Service, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	m := o.Metrics
	if m == nil {
		m = newMetrics()
	}
	return &Service{opts: o, m: m, watch: plan.NewWatch(o.WatchLimit)}, nil
}

// Spec is the handoff actor's spec, a child for the node's supervisor.
func (s *Service) Spec() runtime.Spec {
	return runtime.Spec{Name: Name, New: func() runtime.Actor { return &actor{s: s} }}
}

// GetStats returns the counters and progress of n's handoff actor.
func GetStats(ctx context.Context, n *runtime.Node) (Stats, error) {
	v, err := n.Call(ctx, Name, statsCmd{})
	if err != nil {
		return Stats{}, err
	}
	return v.(Stats), nil
}

// statsCmd asks the actor for Stats (a Direct call, never on the wire).
type statsCmd struct{}

func (s *Service) stats() Stats {
	s.mu.Lock()
	cur := s.current
	s.mu.Unlock()
	return Stats{Current: cur, Completed: s.completed.Load(), Repatriated: s.repatriated.Load(),
		Failed: s.failed.Load(), Records: s.records.Load()}
}

// progress updates the task in progress.
func (s *Service) progress(f func(*Progress)) {
	s.mu.Lock()
	f(&s.current)
	s.mu.Unlock()
}

// hook records writes to the partitions being transferred.
func (s *Service) hook(w store.Write) { s.watch.Note(w.Partition, w.Bucket, w.ID) }

func (s *Service) status(ctx context.Context, n *runtime.Node) (ring.Status, error) {
	if s.opts.Status != nil {
		return s.opts.Status(ctx)
	}
	return ring.GetStatus(ctx, n)
}

func (s *Service) complete(ctx context.Context, n *runtime.Node, p int, epoch uint64) error {
	if s.opts.Complete != nil {
		return s.opts.Complete(ctx, p, epoch)
	}
	return ring.CompleteHandoff(ctx, n, p, epoch)
}

// holds reports whether the node's store has a record or a name in p.
func (s *Service) holds(p int) bool {
	found := false
	stop := func() error { found = true; return storage.ErrStopScan }
	err := s.opts.Store.FoldPartition(p, func(string, string, []byte) error { return stop() })
	if err == nil && !found {
		err = s.opts.Store.FoldPartitionNames(p, func(string, string, string) error { return stop() })
	}
	return found || (err != nil && !errors.Is(err, storage.ErrStopScan))
}

// actor runs the rounds on a goroutine and answers stats.
type actor struct {
	runtime.Base
	s          *Service
	cancel     context.CancelFunc
	removeHook func()
}

// Init follows the store's writes and starts the rounds.
func (a *actor) Init(p *runtime.Process) {
	a.removeHook = a.s.opts.Store.AddWriteHook(a.s.hook)
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	go a.s.run(ctx, p.Node(), p.Logger())
}

func (a *actor) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	if _, ok := req.(statsCmd); ok {
		return a.s.stats(), nil
	}
	return a.Base.HandleCall(p, from, req)
}

// Terminate stops the rounds (a task in progress ends at its next batch)
// and the hook.
func (a *actor) Terminate(*runtime.Process, string) {
	if a.cancel != nil {
		a.cancel()
	}
	if a.removeHook != nil {
		a.removeHook()
	}
}
