package vms

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/internal/record"
)

// VM states set by sniffle (the agent reports the others: running,
// stopped, …).
const (
	StatePooled          = "pooled"
	StatePlacing         = "placing"
	StateFetchingPackage = "fetching_package"
	StateFetchingDataset = "fetching_dataset"
	StateFetchingServer  = "fetching_server"
	StateCreating        = "creating"
	StateFailed          = "failed"
	StateDeleting        = "deleting"
)

// vm loads a VM's typed view.
func (s *Service) vm(ctx context.Context, id string) (record.VM, error) {
	r, err := s.repo.Load(ctx, record.BucketVM, id)
	if err != nil {
		return record.VM{}, err
	}
	v, err := record.VMFromRecord(r)
	v.UUID = id
	return v, err
}

// Get returns a VM's typed view.
func (s *Service) Get(ctx context.Context, id string) (record.VM, error) { return s.vm(ctx, id) }

// set writes register fields of a VM.
func (s *Service) set(ctx context.Context, id string, fields map[string]any) error {
	return s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		for _, k := range sortedKeys(fields) {
			if _, err := r.SetField(st, k, fields[k]); err != nil {
				return nil, fmt.Errorf("vm %s: %w", k, err)
			}
		}
		return r, nil
	})
}

// setState sets a VM's state and tells howl.
func (s *Service) setState(ctx context.Context, id, state string) error {
	if err := s.set(ctx, id, map[string]any{"state": state}); err != nil {
		return err
	}
	s.events.Publish(id, "state", state)
	return nil
}

// log appends a line to a VM's log and tells howl.
func (s *Service) log(ctx context.Context, id, text string) {
	now := s.now().UnixMicro()
	err := s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "logs", record.LogEntry{Date: now, Log: text})
	})
	if err != nil {
		s.logger.Warn("vm log not written", "vm", id, "log", text, "err", err)
		return
	}
	s.events.Publish(id, "log", map[string]any{"log": text, "date": now})
}

// setCreating records a create phase (zero Creating: done).
func (s *Service) setCreating(ctx context.Context, id, phase string) error {
	c := record.Creating{}
	if phase != "" {
		c = record.Creating{Phase: phase, Secs: s.now().Unix()}
	}
	return s.set(ctx, id, map[string]any{"creating": c})
}

// setMapEntries writes key → value pairs into a map field of a VM.
func (s *Service) setMapEntries(ctx context.Context, id, field string, kv map[string]any) error {
	if len(kv) == 0 {
		return nil
	}
	return s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		for _, k := range sortedKeys(kv) {
			if _, err := r.SetMapEntry(st, field, []string{k}, kv[k]); err != nil {
				return nil, fmt.Errorf("vm %s.%s: %w", field, k, err)
			}
		}
		return r, nil
	})
}

// removeMapEntry removes key from a map field of a VM.
func (s *Service) removeMapEntry(ctx context.Context, id, field, key string) error {
	return s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return r.RemoveMapEntry(field, []string{key})
	})
}
