package replica

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/replica/quorum"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/ring"
)

// Apply implements store.Store: the delta goes to the key's N replicas
// and Apply answers after W of them acknowledged it (see the package
// documentation).
func (c *Cluster) Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error) {
	v, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	if v.alone {
		return c.local.Apply(ctx, bucket, id, delta)
	}
	start := time.Now()
	val, err := c.write(ctx, v, "apply", bucket, id, delta)
	c.m.done("apply", start, outcome(err))
	return val, err
}

// answer is one replica's answer to a write or a read.
type answer struct {
	target ring.Replica
	value  []byte
	found  bool
	err    error
}

// write coordinates one write of delta to bucket/id.
func (c *Cluster) write(ctx context.Context, v *view, op, bucket, id string, delta []byte) ([]byte, error) {
	if bucket == "" || id == "" {
		return nil, fmt.Errorf("%s %q/%q: %w", op, bucket, id, store.ErrInvalidKey)
	}
	p := v.partitionOf(bucket, id)
	pl := quorum.NewPlan(v.r, p, c.o.N, v.isUnreachable)
	w := &writeReq{c: c, v: v, p: p, bucket: bucket, id: id, delta: delta, spares: pl.Spares,
		tally: quorum.NewTally(pl.Quorum(c.o.W)),
		out:   make(chan answer, len(pl.Targets)+len(pl.Spares))}
	cctx, cancel := c.callCtx(ctx)
	for _, t := range pl.Targets {
		w.send(cctx, t)
	}
	var vals [][]byte
	var last error
	// A write is acknowledged only once this node's own replica has it
	// too, when it is one of the targets (read relies on it: the node's
	// writers mint dots from what it reads, and must read their own
	// writes, whatever W is).
	localPending := isTarget(pl.Targets, v.self)
	finish := func() {
		// The replicas still out answer to nobody but the metrics and
		// the fallbacks that replace the ones that fail.
		go func() {
			defer cancel()
			for !w.tally.Finished() {
				w.step(cctx, <-w.out)
			}
		}()
	}
	for {
		if w.tally.Met() && (!localPending || w.tally.Finished()) {
			finish()
			merged, err := quorum.Merge(c.codec.Merge, vals)
			if err != nil {
				return nil, fmt.Errorf("%s %s/%s: merge answers: %w", op, bucket, id, err)
			}
			if merged == nil { // only fallbacks answered: they return no value
				return c.codec.Merge(nil, delta)
			}
			return merged, nil
		}
		if w.tally.Hopeless() {
			finish()
			return nil, unavailable(fmt.Sprintf("%s %s/%s", op, bucket, id), w.tally.OK(), pl.Quorum(c.o.W), last)
		}
		var a answer
		select {
		case a = <-w.out:
		case <-ctx.Done():
			finish()
			return nil, fmt.Errorf("%s %s/%s: %w", op, bucket, id, ctx.Err())
		}
		if !a.target.Fallback && a.target.Node == v.self {
			localPending = false
		}
		if a.err != nil && definitive(a.err) {
			w.tally.Fail()
			finish()
			return nil, fmt.Errorf("%s %s/%s: %w", op, bucket, id, a.err)
		}
		if a.err != nil {
			last = a.err
		} else if a.found {
			vals = append(vals, a.value)
		}
		w.step(cctx, a)
	}
}

// writeReq is one write in progress.
type writeReq struct {
	c          *Cluster
	v          *view
	p          int
	bucket, id string
	delta      []byte
	spares     []string
	tally      *quorum.Tally
	out        chan answer
}

// step counts an answer; a failed replica is replaced by the next spare,
// which keeps the delta as a hint for the primary.
func (w *writeReq) step(ctx context.Context, a answer) {
	if a.err == nil {
		w.tally.Ack()
		return
	}
	w.tally.Fail()
	w.c.log.Debug("replica write failed", "node", a.target.Node, "partition", w.p, "err", a.err)
	if definitive(a.err) || len(w.spares) == 0 {
		return
	}
	primary := a.target.Node
	if a.target.Fallback {
		primary = a.target.For
	}
	next := ring.Replica{Node: w.spares[0], Fallback: true, For: primary}
	w.spares = w.spares[1:]
	w.send(ctx, next)
}

// send writes the delta to one target: a primary merges it into its
// vnode, a fallback stores it as a hint.
func (w *writeReq) send(ctx context.Context, t ring.Replica) {
	w.tally.Sent()
	go func() {
		a := answer{target: t}
		switch {
		case !t.Fallback && t.Node == w.v.self:
			a.value, a.err = w.c.local.Apply(ctx, w.bucket, w.id, w.delta)
			a.found = a.err == nil
		case !t.Fallback:
			var r any
			r, a.err = w.c.node.Call(ctx, vnode(t.Node, w.p), store.ApplyReq{Bucket: w.bucket, ID: w.id, Delta: w.delta})
			if resp, ok := r.(store.ApplyResp); ok && a.err == nil {
				a.value, a.found = resp.Value, true
			}
		case t.Node == w.v.self:
			a.err = w.c.hints.put(t.For, w.p, w.bucket, w.id, w.delta)
		default:
			_, a.err = w.c.node.Call(ctx, peer(t.Node), HintReq{For: t.For, Partition: int64(w.p),
				Bucket: w.bucket, ID: w.id, Delta: w.delta})
		}
		w.out <- a
	}()
}
