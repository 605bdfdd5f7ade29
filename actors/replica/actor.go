package replica

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
)

// actorMailbox bounds the replica actor's mailbox and directbox: requests
// of other nodes' coordinators waiting to be served.
const actorMailbox = 2048

// spec is the replica actor's spec.
func (c *Cluster) spec() runtime.Spec {
	return runtime.Spec{Name: Name, New: func() runtime.Actor { return &actor{c: c} },
		MailboxSize: actorMailbox, DirectboxSize: actorMailbox}
}

// actor serves other nodes' coordinators and runs hinted handoff. Reads
// are answered in the handler (a lookup in the node's store); hints,
// folds and name operations, which wait for a sync or scan, are answered
// from a goroutine so the actor keeps serving.
type actor struct {
	runtime.Base
	c    *Cluster
	stop chan struct{}
}

// Init starts the hinted handoff loop.
func (a *actor) Init(*runtime.Process) {
	a.stop = make(chan struct{})
	go a.c.handoffLoop(a.stop)
}

// Terminate stops the handoff loop.
func (a *actor) Terminate(*runtime.Process, string) {
	if a.stop != nil {
		close(a.stop)
	}
}

// HandleCall implements runtime.Actor.
func (a *actor) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	c := a.c
	switch q := req.(type) {
	case GetReq:
		if err := c.checkPartition(q.Partition); err != nil {
			return nil, err
		}
		v, ok, err := c.readLocal(int(q.Partition), q.Bucket, q.ID, q.Hints)
		if err != nil {
			return nil, err
		}
		return GetResp{Value: v, Found: ok}, nil
	case LookupReq:
		id, err := c.local.LookupName(context.Background(), q.Bucket, q.Name)
		if errors.Is(err, store.ErrNotFound) {
			return LookupResp{}, nil
		}
		if err != nil {
			return nil, err
		}
		return LookupResp{ID: id, Found: true}, nil
	case HintReq:
		if err := c.checkPartition(q.Partition); err != nil {
			return nil, err
		}
		reply := p.Detach(from)
		go func() {
			err := c.hints.put(q.For, int(q.Partition), q.Bucket, q.ID, q.Delta)
			reply(store.Ack{OK: err == nil}, err)
		}()
		return nil, runtime.Deferred
	case FoldReq:
		if err := c.checkPartition(q.Partition); err != nil {
			return nil, err
		}
		reply := p.Detach(from)
		go func() {
			ids, vals, err := c.foldLocal(int(q.Partition), q.Bucket)
			if err != nil {
				reply(nil, err)
				return
			}
			recs := make([]recbatch.Record, len(ids))
			for i := range ids {
				recs[i] = recbatch.Record{Bucket: q.Bucket, ID: ids[i], Value: vals[i]}
			}
			b, err := recbatch.MarshalRecords(recs)
			reply(FoldResp{Records: b}, err)
		}()
		return nil, runtime.Deferred
	case NameReq:
		reply := p.Detach(from)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), c.o.Timeout)
			defer cancel()
			err := c.ownerOp(ctx, q)
			reply(store.Ack{OK: err == nil}, err)
		}()
		return nil, runtime.Deferred
	}
	return a.Base.HandleCall(p, from, req)
}

// checkPartition validates a partition number from the wire.
func (c *Cluster) checkPartition(p int64) error {
	if p < 0 || p >= int64(c.svc.Partitions()) {
		return fmt.Errorf("partition %d of %d: %w", p, c.svc.Partitions(), store.ErrInvalidKey)
	}
	return nil
}

// handoffLoop hands hints back every HintInterval until stop is closed.
func (c *Cluster) handoffLoop(stop <-chan struct{}) {
	t := time.NewTicker(c.o.HintInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.handOffHints(stop)
		}
	}
}

// handOffHints delivers every hint whose primary is reachable (a primary
// that left the ring is replaced by the partition's owner) and drops the
// ones delivered.
func (c *Cluster) handOffHints(stop <-chan struct{}) {
	v := c.view.Load()
	if v == nil {
		return
	}
	hs, err := c.hints.all()
	if err != nil {
		c.log.Warn("hints unreadable", "err", err)
		return
	}
	for _, x := range hs {
		select {
		case <-stop:
			return
		default:
		}
		target := x.primary
		if m, ok := v.r.Member(target); !ok || m.Status == ring.Left {
			target = v.owner(x.partition)
		}
		if target == "" || v.isUnreachable(target) || x.partition >= v.r.Partitions() {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.o.Timeout)
		if target == v.self {
			_, err = c.local.Apply(ctx, x.bucket, x.id, x.value)
		} else {
			_, err = c.node.Call(ctx, vnode(target, x.partition), store.ApplyReq{Bucket: x.bucket, ID: x.id, Delta: x.value})
		}
		cancel()
		if err != nil && !errors.Is(err, store.ErrBadValue) && !errors.Is(err, store.ErrInvalidKey) {
			c.log.Debug("hint not handed off", "primary", target, "partition", x.partition, "err", err)
			continue
		}
		if ok, derr := c.hints.drop(x); derr != nil {
			c.log.Warn("hint not dropped", "err", derr)
		} else if ok && err == nil {
			c.m.HintsHandedOff.Inc()
		}
	}
}
