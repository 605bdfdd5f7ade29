package handoff

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/handoff/plan"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/runtime"
)

// maxPasses bounds the passes over keys written during a transfer before
// it completes; the pass after the completion and, later, anti-entropy
// or repatriation cover what still lands.
const maxPasses = 5

// transfer streams partition task.Partition to task.To, sends the keys
// written meanwhile, completes the handoff and sends the keys written
// until then.
func (s *Service) transfer(ctx context.Context, n *runtime.Node, task plan.Task) error {
	p := task.Partition
	s.watch.Start(p)
	defer s.watch.Stop(p)
	if err := s.streamAll(ctx, n, task, nil); err != nil {
		return err
	}
	for range maxPasses {
		more, err := s.sendWritten(ctx, n, task)
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if err := s.complete(ctx, n, p, task.Epoch); err != nil {
		return fmt.Errorf("complete handoff of partition %d at epoch %d: %w", p, task.Epoch, err)
	}
	// Writes between the last pass and the completion; and the names
	// again (claims are not followed by the hook; they are few).
	if _, err := s.sendWritten(ctx, n, task); err != nil {
		return err
	}
	return s.streamNames(ctx, n, task, nil)
}

// sendWritten sends the current values of the keys written to the
// partition since the previous pass (the whole partition again if too
// many were), and reports whether there were any.
func (s *Service) sendWritten(ctx context.Context, n *runtime.Node, task plan.Task) (bool, error) {
	keys, overflow := s.watch.Take(task.Partition)
	if overflow {
		return true, s.streamRecords(ctx, n, task, nil)
	}
	if len(keys) == 0 {
		return false, nil
	}
	recs, err := s.opts.Store.LookupMany(task.Partition, keys)
	if err != nil {
		return false, err
	}
	b := s.newBatcher(ctx, n, task, nil)
	for _, r := range recs {
		if err := b.add(r); err != nil {
			return false, err
		}
	}
	return true, b.flush()
}

// repatriate streams the partition's records and names to its owner and
// drops each one the owner acknowledged, if unchanged.
func (s *Service) repatriate(ctx context.Context, n *runtime.Node, task plan.Task) error {
	drop := func(recs []recbatch.Record, names []recbatch.Name) error {
		_, err := s.opts.Store.DropIfUnchanged(task.Partition, recs, names)
		return err
	}
	return s.streamAll(ctx, n, task, drop)
}

// streamAll streams the partition's records, then its names.
func (s *Service) streamAll(ctx context.Context, n *runtime.Node, task plan.Task, after afterSend) error {
	if err := s.streamRecords(ctx, n, task, after); err != nil {
		return err
	}
	return s.streamNames(ctx, n, task, after)
}

func (s *Service) streamRecords(ctx context.Context, n *runtime.Node, task plan.Task, after afterSend) error {
	b := s.newBatcher(ctx, n, task, after)
	err := s.opts.Store.FoldPartition(task.Partition, func(bucket, id string, value []byte) error {
		return b.add(recbatch.Record{Bucket: bucket, ID: id, Value: append([]byte(nil), value...)})
	})
	if err != nil {
		return err
	}
	return b.flush()
}

func (s *Service) streamNames(ctx context.Context, n *runtime.Node, task plan.Task, after afterSend) error {
	b := s.newBatcher(ctx, n, task, after)
	err := s.opts.Store.FoldPartitionNames(task.Partition, func(bucket, name, id string) error {
		return b.addName(recbatch.Name{Bucket: bucket, Name: name, ID: id})
	})
	if err != nil {
		return err
	}
	return b.flush()
}

// afterSend runs after a batch was acknowledged (a repatriation's drop).
type afterSend func(recs []recbatch.Record, names []recbatch.Name) error

// batcher gathers records and names into bounded batches and sends each
// one, once full, to the receiver's bulk actor: one batch in memory and in
// flight at a time.
type batcher struct {
	s     *Service
	ctx   context.Context
	n     *runtime.Node
	task  plan.Task
	after afterSend
	recs  []recbatch.Record
	names []recbatch.Name
	bytes int
}

func (s *Service) newBatcher(ctx context.Context, n *runtime.Node, task plan.Task, after afterSend) *batcher {
	return &batcher{s: s, ctx: ctx, n: n, task: task, after: after}
}

func (b *batcher) add(r recbatch.Record) error {
	b.recs = append(b.recs, r)
	b.bytes += r.Size()
	return b.maybeFlush()
}

func (b *batcher) addName(nm recbatch.Name) error {
	b.names = append(b.names, nm)
	b.bytes += len(nm.Bucket) + len(nm.Name) + len(nm.ID)
	return b.maybeFlush()
}

func (b *batcher) maybeFlush() error {
	if len(b.recs)+len(b.names) >= b.s.opts.BatchRecords || b.bytes >= b.s.opts.BatchBytes {
		return b.flush()
	}
	return nil
}

// flush sends the batch (retrying) and runs after on it.
func (b *batcher) flush() error {
	if len(b.recs)+len(b.names) == 0 {
		return nil
	}
	req := store.MergeRecordsReq{Partition: int64(b.task.Partition)}
	var err error
	if len(b.recs) > 0 {
		if req.Records, err = recbatch.MarshalRecords(b.recs); err != nil {
			return err
		}
	}
	if len(b.names) > 0 {
		if req.Names, err = recbatch.MarshalNames(b.names); err != nil {
			return err
		}
	}
	if err := b.s.send(b.ctx, b.n, b.task.To, req); err != nil {
		return err
	}
	sent := int64(len(b.recs) + len(b.names))
	b.s.records.Add(sent)
	b.s.m.Records.Add(float64(sent))
	b.s.progress(func(p *Progress) { p.Sent += sent })
	if b.after != nil {
		if err := b.after(b.recs, b.names); err != nil {
			return err
		}
	}
	b.recs, b.names, b.bytes = b.recs[:0], b.names[:0], 0
	return nil
}

// send delivers one batch to the receiver's bulk actor, retrying.
func (s *Service) send(ctx context.Context, n *runtime.Node, to string, req store.MergeRecordsReq) error {
	var err error
	for attempt := 0; attempt <= max(s.opts.Retries, 0); attempt++ {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(attempt) * 100 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
		_, err = n.Call(cctx, runtime.ProcessID{Name: store.BulkName, Node: to}, req)
		cancel()
		if err == nil {
			return nil
		}
	}
	return fmt.Errorf("send a batch of partition %d to %s: %w", req.Partition, to, err)
}
