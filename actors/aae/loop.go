package aae

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/actors/aae/engine"
	"github.com/fifogo/fifo/internal/hashtree"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

// run builds every tree, then runs a round every Interval until ctx ends.
func (s *Service) run(ctx context.Context, n *runtime.Node, log *slog.Logger) {
	for p := range s.trees.Partitions() {
		if ctx.Err() != nil {
			return
		}
		s.build(ctx, p, log)
	}
	if s.opts.Interval < 0 {
		return
	}
	t := time.NewTimer(s.opts.Interval)
	defer t.Stop()
	cursor := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cursor = s.round(ctx, n, log, cursor)
		t.Reset(s.opts.Interval)
	}
}

// round rebuilds the oldest tree if it expired, then runs the exchange at
// cursor among the node's pairs, and returns the next cursor.
func (s *Service) round(ctx context.Context, n *runtime.Node, log *slog.Logger, cursor int) int {
	if p, ok := s.trees.Oldest(time.Now().Add(-s.opts.RebuildAfter)); ok {
		s.build(ctx, p, log)
	}
	st, err := s.status(ctx, n)
	if err != nil || st.Ring == nil {
		return cursor
	}
	down := map[string]bool{}
	for _, u := range st.Unreachable {
		down[u] = true
	}
	pairs := engine.Pairs(st.Ring, st.Self, s.opts.N, func(node string) bool { return down[node] })
	if len(pairs) == 0 {
		return 0
	}
	pr := pairs[cursor%len(pairs)]
	if _, err := s.exchange(ctx, n, pr.Partition, pr.Peer); err != nil && ctx.Err() == nil {
		log.Debug("aae: exchange failed", "partition", pr.Partition, "peer", pr.Peer, "err", err)
	}
	return (cursor + 1) % len(pairs)
}

// build builds partition p's tree from a scan, keeping the writes applied
// meanwhile (engine.Trees.BeginBuild is called before the scan's snapshot).
func (s *Service) build(ctx context.Context, p int, log *slog.Logger) {
	if !s.trees.BeginBuild(p) {
		return
	}
	var ferr error
	tree, err := hashtree.Build(s.opts.Tree, func(yield func(string, hashtree.Digest) bool) {
		ferr = s.opts.Store.FoldPartition(p, func(bucket, id string, value []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !yield(engine.Key(bucket, id), hashtree.DigestOf(value)) {
				return storage.ErrStopScan
			}
			return nil
		})
	})
	if err == nil {
		err = ferr
	}
	if err == nil {
		err = s.trees.FinishBuild(p, tree, time.Now())
	}
	if err != nil {
		s.trees.AbortBuild(p)
		if !errors.Is(err, context.Canceled) {
			log.Error("aae: tree build failed", "partition", p, "err", err)
		}
		return
	}
	s.builds.Add(1)
	s.m.Builds.Inc()
}
