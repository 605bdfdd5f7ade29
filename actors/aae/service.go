package aae

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fifogo/fifo/actors/aae/engine"
	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/hashtree"
	"github.com/fifogo/fifo/internal/runtime"
)

// Name is the aae actor's registered name on every node.
const Name = "aae"

// Service is anti-entropy on one node: the trees, the exchange lock and
// limiter, the counters. Its actor (Spec) serves the other nodes' tree
// questions and runs the rounds.
type Service struct {
	opts  Options
	m     *Metrics
	trees *engine.Trees

	// excl makes exchanges one at a time; it guards lim.
	excl sync.Mutex
	lim  *engine.Limiter

	exchanges, repaired, builds, failures atomic.Int64
}

// Stats are a node's anti-entropy counters since its start.
type Stats struct {
	// Trees is the number of partitions with a built tree; Partitions
	// the number of partitions.
	Trees, Partitions int
	// Exchanges counts exchanges run, Failures those that ended in an
	// error (not ready, a message lost or refused).
	Exchanges, Failures int64
	// Repaired counts keys repaired.
	Repaired int64
	// Builds counts tree builds.
	Builds int64
}

// Result is what one exchange did.
type Result struct {
	// Differences is the number of keys the trees disagreed on.
	Differences int
	// Repaired is the number of keys repaired (fetched, merged, pushed).
	Repaired int
	// Duration is the exchange's wall time.
	Duration time.Duration
}

// New checks the options and returns the node's anti-entropy service.
func New(o Options) (*Service, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	trees, err := engine.NewTrees(o.Store.Partitions(), o.Tree)
	if err != nil {
		return nil, err
	}
	m := o.Metrics
	if m == nil {
		m = newMetrics()
	}
	return &Service{opts: o, m: m, trees: trees, lim: engine.NewLimiter(float64(o.RepairRate), max(o.RepairRate, o.RepairBatch))}, nil
}

// Spec is the aae actor's spec, a child for the node's supervisor.
func (s *Service) Spec() runtime.Spec {
	return runtime.Spec{Name: Name, New: func() runtime.Actor { return &actor{s: s} }}
}

// Exchange runs one exchange of partition p between node n (whose aae
// actor must run) and peer now, waiting for any exchange in progress.
func Exchange(ctx context.Context, n *runtime.Node, p int, peer string) (Result, error) {
	v, err := n.Call(ctx, Name, exchangeCmd{partition: p, peer: peer})
	if err != nil {
		return Result{}, err
	}
	return v.(Result), nil
}

// GetStats returns the counters of n's anti-entropy.
func GetStats(ctx context.Context, n *runtime.Node) (Stats, error) {
	v, err := n.Call(ctx, Name, statsCmd{})
	if err != nil {
		return Stats{}, err
	}
	return v.(Stats), nil
}

func (s *Service) stats() Stats {
	st := Stats{
		Partitions: s.trees.Partitions(),
		Exchanges:  s.exchanges.Load(), Failures: s.failures.Load(),
		Repaired: s.repaired.Load(), Builds: s.builds.Load(),
	}
	for p := range st.Partitions {
		if _, ok := s.trees.BuiltAt(p); ok {
			st.Trees++
		}
	}
	return st
}

// hook feeds every applied write to its partition's tree.
func (s *Service) hook(w store.Write) {
	k := engine.Key(w.Bucket, w.ID)
	if w.Value == nil {
		s.trees.Delete(w.Partition, k)
		return
	}
	s.trees.Put(w.Partition, k, hashtree.DigestOf(w.Value))
}

// status reads the ring.
func (s *Service) status(ctx context.Context, n *runtime.Node) (ring.Status, error) {
	if s.opts.Status != nil {
		return s.opts.Status(ctx)
	}
	return ring.GetStatus(ctx, n)
}

// answer serves another node's tree question.
func (s *Service) answer(q TreeReq) (any, error) {
	l, err := hashtree.UnmarshalLevel(q.Level)
	if err != nil {
		return nil, fmt.Errorf("aae tree question: %w", err)
	}
	var resp TreeResp
	err = s.trees.With(int(q.Partition), func(t *hashtree.Tree) error {
		r, err := engine.Answer(t, l)
		if err != nil {
			return err
		}
		if l.Depth < t.Depth()-1 {
			resp.Level, err = hashtree.MarshalLevel(r.Level)
		} else {
			resp.Segments, err = engine.MarshalSegments(r.Segments)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("aae tree question on partition %d: %w", q.Partition, err)
	}
	return resp, nil
}
