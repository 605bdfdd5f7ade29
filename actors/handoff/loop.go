package handoff

import (
	"context"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/actors/handoff/plan"
	"github.com/fifogo/fifo/internal/runtime"
)

// run runs a round every Interval until ctx ends.
func (s *Service) run(ctx context.Context, n *runtime.Node, log *slog.Logger) {
	t := time.NewTimer(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.round(ctx, n, log)
		t.Reset(s.opts.Interval)
	}
}

// round runs the tasks of the node's ring view, one at a time.
func (s *Service) round(ctx context.Context, n *runtime.Node, log *slog.Logger) {
	st, err := s.status(ctx, n)
	if err != nil || st.Ring == nil {
		return
	}
	for _, task := range plan.Tasks(st.Ring, st.Self, s.opts.N, s.holds) {
		if ctx.Err() != nil {
			return
		}
		s.runTask(ctx, n, log, task)
	}
}

// runTask runs one task, with progress, logs and metrics.
func (s *Service) runTask(ctx context.Context, n *runtime.Node, log *slog.Logger, task plan.Task) {
	s.progress(func(p *Progress) { *p = Progress{Kind: task.Kind.String(), Partition: task.Partition, To: task.To} })
	s.m.InProgress.Set(1)
	defer func() {
		s.progress(func(p *Progress) { *p = Progress{} })
		s.m.InProgress.Set(0)
	}()
	log = log.With("partition", task.Partition, "to", task.To, "task", task.Kind.String())
	start := time.Now()
	var err error
	switch task.Kind {
	case plan.Transfer:
		err = s.transfer(ctx, n, task)
	case plan.Repatriate:
		err = s.repatriate(ctx, n, task)
	}
	if err != nil {
		s.failed.Add(1)
		s.m.Handoffs.WithLabelValues(OutcomeError).Inc()
		if ctx.Err() == nil {
			log.Warn("handoff: task failed, retried next round", "err", err)
		}
		return
	}
	outcome := OutcomeCompleted
	if task.Kind == plan.Repatriate {
		outcome = OutcomeRepatriated
		s.repatriated.Add(1)
	} else {
		s.completed.Add(1)
	}
	s.m.Handoffs.WithLabelValues(outcome).Inc()
	log.Info("handoff: done", "outcome", outcome, "seconds", time.Since(start).Seconds())
}
