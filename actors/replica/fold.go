package replica

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/actors/store/recbatch"
)

// Fold implements store.Store: partition by partition, it reads the
// bucket from R reachable primaries (at least one), merges their records
// id by id, and calls fn for each live one in id order. Deleted records
// (tombstones) are skipped.
func (c *Cluster) Fold(ctx context.Context, bucket string, fn func(id string, value []byte) error) error {
	v, err := c.current(ctx)
	if err != nil {
		return err
	}
	if v.alone {
		return c.local.Fold(ctx, bucket, func(id string, value []byte) error {
			if c.codec.IsTombstone(value) {
				return nil
			}
			return fn(id, value)
		})
	}
	start := time.Now()
	err = c.fold(ctx, v, bucket, fn)
	c.m.done("fold", start, outcome(err))
	return err
}

func (c *Cluster) fold(ctx context.Context, v *view, bucket string, fn func(id string, value []byte) error) error {
	if bucket == "" {
		return fmt.Errorf("fold: %w: empty bucket", store.ErrInvalidKey)
	}
	for p := range v.r.Partitions() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("fold %s: %w", bucket, err)
		}
		recs, err := c.foldPartition(ctx, v, p, bucket)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(recs))
		for id := range recs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if c.codec.IsTombstone(recs[id]) {
				continue
			}
			if err := fn(id, recs[id]); err != nil {
				return err
			}
		}
	}
	return nil
}

// foldPartition merges the records of bucket in partition p from R
// reachable primaries (fewer when fewer answer, at least one).
func (c *Cluster) foldPartition(ctx context.Context, v *view, p int, bucket string) (map[string][]byte, error) {
	sources := v.readable(v.r.Preflist(p, c.o.N))
	need := max(1, min(c.o.R, len(sources)))
	recs := map[string][]byte{}
	got := 0
	var last error
	for _, node := range sources {
		if got == need {
			break
		}
		ids, vals, err := c.foldFrom(ctx, v, node, p, bucket)
		if err != nil {
			if errors.Is(err, store.ErrInvalidKey) {
				return nil, err
			}
			last = err
			continue
		}
		got++
		for i, id := range ids {
			old, ok := recs[id]
			if !ok {
				recs[id] = vals[i]
				continue
			}
			m, err := c.codec.Merge(old, vals[i])
			if err != nil {
				continue // keep the first; anti-entropy settles it
			}
			recs[id] = m
		}
	}
	if got == 0 {
		return nil, unavailable(fmt.Sprintf("fold %s partition %d", bucket, p), 0, need, last)
	}
	return recs, nil
}

// foldFrom reads one partition's bucket from one node.
func (c *Cluster) foldFrom(ctx context.Context, v *view, node string, p int, bucket string) ([]string, [][]byte, error) {
	if node == v.self {
		return c.foldLocal(p, bucket)
	}
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	r, err := c.node.Call(cctx, peer(node), FoldReq{Partition: int64(p), Bucket: bucket})
	if err != nil {
		return nil, nil, err
	}
	resp, ok := r.(FoldResp)
	if !ok {
		return nil, nil, fmt.Errorf("fold from %s: unexpected answer %T", node, r)
	}
	recs, err := recbatch.UnmarshalRecords(resp.Records)
	if err != nil {
		return nil, nil, fmt.Errorf("fold from %s: %w", node, err)
	}
	ids, vals := make([]string, len(recs)), make([][]byte, len(recs))
	for i, x := range recs {
		if x.Bucket != bucket {
			return nil, nil, fmt.Errorf("fold from %s: a record of bucket %s", node, x.Bucket)
		}
		ids[i], vals[i] = x.ID, x.Value
	}
	return ids, vals, nil
}

// foldLocal reads one partition's bucket from this node's store, leaving
// out values that fail the codec's check.
func (c *Cluster) foldLocal(p int, bucket string) ([]string, [][]byte, error) {
	var ids []string
	var vals [][]byte
	err := c.svc.FoldBucket(p, bucket, func(id string, value []byte) error {
		if c.codec.Check(value) != nil {
			return nil
		}
		ids = append(ids, id)
		vals = append(vals, slices.Clone(value))
		return nil
	})
	return ids, vals, err
}
