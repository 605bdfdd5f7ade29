package replica

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/replica/quorum"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/ring"
)

// Get implements store.Store: it answers after R replicas did, with the
// merge of their answers, then repairs the stale ones.
func (c *Cluster) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	v, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	if v.alone {
		val, err := c.local.Get(ctx, bucket, id)
		if err == nil && c.codec.IsTombstone(val) {
			return nil, fmt.Errorf("get %s/%s: %w (deleted)", bucket, id, store.ErrNotFound)
		}
		return val, err
	}
	start := time.Now()
	val, err := c.read(ctx, v, bucket, id, false)
	if err == nil && (val == nil || c.codec.IsTombstone(val)) {
		err = fmt.Errorf("get %s/%s: %w", bucket, id, store.ErrNotFound)
	}
	c.m.done("get", start, outcome(err))
	if err != nil {
		return nil, err
	}
	return val, nil
}

// GetWithTombstone is Get that also answers the value of a deleted
// record, its tombstone (entity.TombstoneReader): a writer re-creating the
// id starts from it, so its dots lie above those the delete removed.
// ErrNotFound only when no replica holds anything.
func (c *Cluster) GetWithTombstone(ctx context.Context, bucket, id string) ([]byte, error) {
	v, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	if v.alone {
		return c.local.Get(ctx, bucket, id)
	}
	start := time.Now()
	val, err := c.read(ctx, v, bucket, id, false)
	if err == nil && val == nil {
		err = fmt.Errorf("get %s/%s: %w", bucket, id, store.ErrNotFound)
	}
	c.m.done("get", start, outcome(err))
	if err != nil {
		return nil, err
	}
	return val, nil
}

// Delete implements store.Store: it reads the record from the replicas
// and writes its tombstone (the removal of everything they hold) like any
// write.
func (c *Cluster) Delete(ctx context.Context, bucket, id string) error {
	v, err := c.current(ctx)
	if err != nil {
		return err
	}
	if v.alone {
		return c.local.Delete(ctx, bucket, id)
	}
	start := time.Now()
	err = c.del(ctx, v, bucket, id)
	c.m.done("delete", start, outcome(err))
	return err
}

func (c *Cluster) del(ctx context.Context, v *view, bucket, id string) error {
	val, err := c.read(ctx, v, bucket, id, true)
	if err != nil {
		return err
	}
	if val == nil || c.codec.IsTombstone(val) {
		return nil
	}
	tomb, err := c.codec.Tombstone(val)
	if err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucket, id, err)
	}
	_, err = c.write(ctx, v, "delete", bucket, id, tomb)
	return err
}

// read asks the replicas of bucket/id and returns the merge of R answers
// (all reachable ones with all), nil when none holds it. The answers still
// out are awaited in the background; then every primary whose answer
// differs from the merge of all is sent that merge (read repair).
func (c *Cluster) read(ctx context.Context, v *view, bucket, id string, all bool) ([]byte, error) {
	if bucket == "" || id == "" {
		return nil, fmt.Errorf("get %q/%q: %w", bucket, id, store.ErrInvalidKey)
	}
	p := v.partitionOf(bucket, id)
	pl := quorum.NewPlan(v.r, p, c.o.N, v.isUnreachable)
	need := pl.Quorum(c.o.R)
	tally := quorum.NewTally(need)
	out := make(chan answer, len(pl.Targets))
	cctx, cancel := c.callCtx(ctx)
	for _, t := range pl.Targets {
		tally.Sent()
		go func() { out <- c.fetch(cctx, v, p, t, bucket, id) }()
	}
	var got []answer
	var last error
	// This node's own replica always answers before the read does (when
	// it is one of the targets): the node is the actor of the dots its
	// writers mint, and its replica holds every write it acknowledged
	// (see write), so a read-modify-write here never mints a dot again
	// from a copy that lacks its latest writes.
	localPending := isTarget(pl.Targets, v.self)
	take := func(a answer) {
		if !a.target.Fallback && a.target.Node == v.self {
			localPending = false
		}
		if a.err != nil {
			tally.Fail()
			last = a.err
			return
		}
		tally.Ack()
		got = append(got, a)
	}
	// A replica without the record does not settle a read while others
	// may still have it (a handoff or a hint not yet delivered): with no
	// value among R answers, the read waits for the rest.
	for !tally.Met() || ((all || !anyFound(got)) && !tally.Finished()) || (localPending && !tally.Finished()) {
		if tally.Hopeless() {
			go c.repair(cctx, cancel, v, p, bucket, id, got, tally, out)
			return nil, unavailable(fmt.Sprintf("get %s/%s", bucket, id), tally.OK(), need, last)
		}
		select {
		case a := <-out:
			if a.err != nil && errors.Is(a.err, store.ErrInvalidKey) {
				go c.repair(cctx, cancel, v, p, bucket, id, got, tally, out)
				return nil, fmt.Errorf("get %s/%s: %w", bucket, id, a.err)
			}
			take(a)
		case <-ctx.Done():
			go c.repair(cctx, cancel, v, p, bucket, id, got, tally, out)
			return nil, fmt.Errorf("get %s/%s: %w", bucket, id, ctx.Err())
		}
	}
	merged, err := quorum.Merge(c.codec.Merge, values(got))
	go c.repair(cctx, cancel, v, p, bucket, id, got, tally, out)
	if err != nil {
		return nil, fmt.Errorf("get %s/%s: merge answers: %w", bucket, id, err)
	}
	return merged, nil
}

// isTarget reports whether node is one of the primaries targets names.
func isTarget(targets []ring.Replica, node string) bool {
	for _, t := range targets {
		if !t.Fallback && t.Node == node {
			return true
		}
	}
	return false
}

// anyFound reports whether an answer holds a value.
func anyFound(as []answer) bool {
	for _, a := range as {
		if a.found {
			return true
		}
	}
	return false
}

// values returns the answers' values (nil for a replica without one).
func values(as []answer) [][]byte {
	out := make([][]byte, len(as))
	for i, a := range as {
		if a.found {
			out[i] = a.value
		}
	}
	return out
}

// fetch reads bucket/id from one target.
func (c *Cluster) fetch(ctx context.Context, v *view, p int, t ring.Replica, bucket, id string) answer {
	a := answer{target: t}
	if t.Node == v.self {
		a.value, a.found, a.err = c.readLocal(p, bucket, id, t.Fallback)
		return a
	}
	r, err := c.node.Call(ctx, peer(t.Node), GetReq{Partition: int64(p), Bucket: bucket, ID: id, Hints: t.Fallback})
	if err != nil {
		a.err = err
		return a
	}
	resp, ok := r.(GetResp)
	if !ok {
		a.err = fmt.Errorf("get from %s: unexpected answer %T", t.Node, r)
		return a
	}
	a.value, a.found = resp.Value, resp.Found
	return a
}

// readLocal reads bucket/id of partition p from this node's store (a
// value that fails the codec's check counts as absent), merged with the
// node's hints for it when withHints.
func (c *Cluster) readLocal(p int, bucket, id string, withHints bool) ([]byte, bool, error) {
	val, ok, err := c.svc.Lookup(p, bucket, id)
	if err != nil {
		return nil, false, err
	}
	if ok && c.codec.Check(val) != nil {
		val, ok = nil, false
	}
	if withHints {
		hs, err := c.hints.forKey(bucket, id)
		if err != nil {
			return nil, false, err
		}
		if len(hs) > 0 {
			merged, err := quorum.Merge(c.codec.Merge, append(hs, val))
			if err != nil {
				return nil, false, err
			}
			return merged, true, nil
		}
	}
	return val, ok, nil
}

// repair awaits the answers still out (each bounded by the replica
// timeout), merges every answer, and sends the merge to each primary
// whose answer differed from it.
func (c *Cluster) repair(ctx context.Context, cancel context.CancelFunc, v *view, p int, bucket, id string,
	got []answer, tally *quorum.Tally, out <-chan answer) {
	defer cancel()
	for !tally.Finished() {
		a := <-out
		if a.err != nil {
			tally.Fail()
			continue
		}
		tally.Ack()
		got = append(got, a)
	}
	vals := values(got)
	merged, err := quorum.Merge(c.codec.Merge, vals)
	if err != nil || merged == nil {
		return
	}
	for _, i := range quorum.Stale(vals, merged) {
		t := got[i].target
		if t.Fallback {
			continue // a fallback holds hints, not the partition
		}
		var rerr error
		if t.Node == v.self {
			_, rerr = c.local.Apply(ctx, bucket, id, merged)
		} else {
			_, rerr = c.node.Call(ctx, vnode(t.Node, p), store.ApplyReq{Bucket: bucket, ID: id, Delta: merged})
		}
		if rerr != nil {
			c.log.Debug("read repair failed", "node", t.Node, "partition", p, "err", rerr)
			continue
		}
		c.m.ReadRepairs.Inc()
	}
}
