package vms

import (
	"context"
	"fmt"
	"maps"

	"github.com/fifogo/fifo/internal/record"
)

// A create's writes to its VM record are synced, and a create makes them
// one after the other, so each one adds to every create's time. Steps that
// only read (fetching the package, the dataset, the server candidates)
// announce their phase at once — the howl state event — and leave it
// pending in the flow, to be stored with the flow's next write of the
// record (its owner, a log line, its placement or its failure). The first
// phase, placing, is stored at once: it is what marks the flow as started
// (Run leaves a VM that is no longer pooled alone). Nothing reads the
// stored phase but people: recovery (Interrupted, Abandon) and delete's
// 423 treat every phase of a create alike.

// phase announces a create step and records it in the VM's state and
// creating phase: now for placing, with the next write for the others.
func (s *Service) phase(ctx context.Context, f *flow, state string) error {
	if f.pending == nil {
		f.pending = map[string]any{}
	}
	f.pending["state"] = state
	f.pending["creating"] = record.Creating{Phase: state, Secs: s.now().Unix()}
	if state == StatePlacing {
		if err := s.write(ctx, f, nil, ""); err != nil {
			return err
		}
	}
	s.events.Publish(f.vm.UUID, "state", state)
	return nil
}

// withPending returns fields over the flow's pending ones (fields win) and
// clears them; the caller writes the result.
func (f *flow) withPending(fields map[string]any) map[string]any {
	if len(f.pending) == 0 {
		return fields
	}
	out := f.pending
	f.pending = nil
	maps.Copy(out, fields)
	return out
}

// write stores fields, the flow's pending phase and, unless line is
// empty, a log line in one write of the VM record, and tells howl of the
// line.
func (s *Service) write(ctx context.Context, f *flow, fields map[string]any, line string) error {
	id := f.vm.UUID
	fields = f.withPending(fields)
	now := s.now().UnixMicro()
	err := s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		var out *record.Record
		add := func(d *record.Record, err error) error {
			if err != nil {
				return err
			}
			if out == nil {
				out = d
				return nil
			}
			out, err = record.Merge(out, d)
			return err
		}
		for _, k := range sortedKeys(fields) {
			if err := add(r.SetField(st, k, fields[k])); err != nil {
				return nil, fmt.Errorf("vm %s: %w", k, err)
			}
		}
		if line != "" {
			if err := add(r.AddToSet(st, "logs", record.LogEntry{Date: now, Log: line})); err != nil {
				return nil, fmt.Errorf("vm log: %w", err)
			}
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	if line != "" {
		s.events.Publish(id, "log", map[string]any{"log": line, "date": now})
	}
	return nil
}

// logFlow is log for a running create: the line goes with the flow's
// pending phase.
func (s *Service) logFlow(ctx context.Context, f *flow, line string) {
	if err := s.write(ctx, f, nil, line); err != nil {
		s.logger.Warn("vm log not written", "vm", f.vm.UUID, "log", line, "err", err)
	}
}
