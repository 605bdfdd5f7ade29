package aae

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fifogo/fifo/actors/aae/engine"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/hashtree"
	"github.com/fifogo/fifo/internal/runtime"
)

// exchange runs one exchange of partition p with peer: the walk, then the
// repairs. It waits for the exchange in progress, if any.
func (s *Service) exchange(ctx context.Context, n *runtime.Node, p int, peer string) (res Result, err error) {
	s.excl.Lock()
	defer s.excl.Unlock()
	start := time.Now()
	defer func() {
		res.Duration = time.Since(start)
		s.exchanges.Add(1)
		s.m.Duration.Observe(res.Duration.Seconds())
		outcome := OutcomeEqual
		switch {
		case errors.Is(err, engine.ErrNotReady):
			outcome = OutcomeNotReady
		case err != nil:
			outcome = OutcomeError
		case res.Differences > 0:
			outcome = OutcomeRepaired
		}
		if err != nil {
			s.failures.Add(1)
		}
		s.m.Exchanges.WithLabelValues(outcome).Inc()
	}()
	if p < 0 || p >= s.trees.Partitions() || peer == "" || peer == n.Name() {
		return res, fmt.Errorf("aae exchange of partition %d with %q: %w", p, peer, hashtree.ErrInvalid)
	}
	local := func(fn func(*hashtree.Tree) error) error { return s.trees.With(p, fn) }
	var depth int
	if err := local(func(t *hashtree.Tree) error { depth = t.Depth(); return nil }); err != nil {
		return res, err
	}
	diffs, err := engine.Walk(local, s.query(ctx, n, peer, p, depth))
	if err != nil {
		return res, fmt.Errorf("aae exchange of partition %d with %s: %w", p, peer, err)
	}
	res.Differences = len(diffs)
	for chunk := range slices.Chunk(diffs, s.opts.RepairBatch) {
		if err := s.pace(ctx, len(chunk)); err != nil {
			return res, err
		}
		if err := s.repair(ctx, n, p, peer, chunk); err != nil {
			return res, fmt.Errorf("aae repair of partition %d with %s: %w", p, peer, err)
		}
		res.Repaired += len(chunk)
		s.repaired.Add(int64(len(chunk)))
		s.m.Repairs.Add(float64(len(chunk)))
	}
	return res, nil
}

// pace waits until k more keys may be repaired.
func (s *Service) pace(ctx context.Context, k int) error {
	wait := s.lim.Take(time.Now(), k)
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call sends one request of an exchange to peer's actor name.
func (s *Service) call(ctx context.Context, n *runtime.Node, peer, name string, req any) (any, error) {
	cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	return n.Call(cctx, runtime.ProcessID{Name: name, Node: peer}, req)
}

// query asks peer's aae actor one question about partition p's tree.
func (s *Service) query(ctx context.Context, n *runtime.Node, peer string, p, depth int) engine.Query {
	return func(q hashtree.Level) (engine.Reply, error) {
		b, err := hashtree.MarshalLevel(q)
		if err != nil {
			return engine.Reply{}, err
		}
		v, err := s.call(ctx, n, peer, Name, TreeReq{Partition: int64(p), Level: b})
		if err != nil {
			return engine.Reply{}, err
		}
		resp, ok := v.(TreeResp)
		if !ok {
			return engine.Reply{}, fmt.Errorf("%w: answer %T", hashtree.ErrCorrupt, v)
		}
		if q.Depth < depth-1 {
			l, err := hashtree.UnmarshalLevel(resp.Level)
			return engine.Reply{Level: l}, err
		}
		segs, err := engine.UnmarshalSegments(resp.Segments)
		return engine.Reply{Segments: segs}, err
	}
}

// repair makes both replicas of the keys of diffs equal: it fetches the
// peer's values of the keys it holds, merges them here, and pushes this
// node's merged values of every key the peer lacked or held differently.
func (s *Service) repair(ctx context.Context, n *runtime.Node, p int, peer string, diffs []hashtree.Difference) error {
	keys := make([]recbatch.Key, 0, len(diffs))
	var remote []recbatch.Key
	for _, d := range diffs {
		bucket, id, ok := engine.SplitKey(d.Key)
		if !ok {
			return fmt.Errorf("%w: tree key %q", hashtree.ErrCorrupt, d.Key)
		}
		k := recbatch.Key{Bucket: bucket, ID: id}
		keys = append(keys, k)
		if d.InRemote {
			remote = append(remote, k)
		}
	}
	fetched := map[recbatch.Key][]byte{}
	if len(remote) > 0 {
		kb, err := recbatch.MarshalKeys(remote)
		if err != nil {
			return err
		}
		v, err := s.call(ctx, n, peer, store.BulkName, store.FetchRecordsReq{Partition: int64(p), Keys: kb})
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		resp, ok := v.(store.FetchRecordsResp)
		if !ok {
			return fmt.Errorf("fetch: answer %T", v)
		}
		recs, err := recbatch.UnmarshalRecords(resp.Records)
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		if _, err := s.opts.Store.MergeRecords(ctx, p, recs, nil); err != nil {
			return err
		}
		for _, r := range recs {
			fetched[recbatch.Key{Bucket: r.Bucket, ID: r.ID}] = r.Value
		}
	}
	mine, err := s.opts.Store.LookupMany(p, keys)
	if err != nil {
		return err
	}
	push := mine[:0]
	for _, r := range mine {
		if theirs, ok := fetched[recbatch.Key{Bucket: r.Bucket, ID: r.ID}]; ok && bytes.Equal(theirs, r.Value) {
			continue // the peer holds this value already
		}
		push = append(push, r)
	}
	if len(push) == 0 {
		return nil
	}
	rb, err := recbatch.MarshalRecords(push)
	if err != nil {
		return err
	}
	if _, err := s.call(ctx, n, peer, store.BulkName, store.MergeRecordsReq{Partition: int64(p), Records: rb}); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	return nil
}
