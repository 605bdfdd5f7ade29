package cloud

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/fifogo/fifo/internal/record"
)

// MaxScriptLen bounds a DTrace script.
const MaxScriptLen = 64 << 10

// CreateDTrace stores a DTrace script (running it is not supported).
func (s *Service) CreateDTrace(ctx context.Context, name, script string, config map[string]any) (string, error) {
	if script == "" || len(script) > MaxScriptLen {
		return "", fmt.Errorf("dtrace script: 1..%d bytes: %w", MaxScriptLen, ErrInvalid)
	}
	return s.repo.CreateNamed(ctx, record.BucketDTrace, "dtrace", name, func(id string, st record.Stamp) (*record.Record, error) {
		r, err := record.NewDTrace(st, record.DTrace{UUID: id, Name: name, Script: script})
		if err != nil {
			return nil, err
		}
		for _, k := range slices.Sorted(maps.Keys(config)) {
			if _, err := r.SetMapEntry(st, "config", []string{k}, config[k]); err != nil {
				return nil, fmt.Errorf("dtrace config: %w: %w", ErrInvalid, err)
			}
		}
		return r, nil
	})
}

// UpdateDTrace replaces a script's text and/or sets config keys (PUT
// /dtraces/:id).
func (s *Service) UpdateDTrace(ctx context.Context, id, script string, config map[string]any) error {
	if len(script) > MaxScriptLen {
		return fmt.Errorf("dtrace script: at most %d bytes: %w", MaxScriptLen, ErrInvalid)
	}
	return s.repo.Update(ctx, record.BucketDTrace, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		out := record.New(record.BucketDTrace)
		if script != "" {
			d, err := r.SetField(st, "script", script)
			if err != nil {
				return nil, err
			}
			if out, err = record.Merge(out, d); err != nil {
				return nil, err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(config)) {
			d, err := r.SetMapEntry(st, "config", []string{k}, config[k])
			if err != nil {
				return nil, fmt.Errorf("dtrace config: %w: %w", ErrInvalid, err)
			}
			if out, err = record.Merge(out, d); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// DeleteDTrace removes a script.
func (s *Service) DeleteDTrace(ctx context.Context, id string) error {
	return s.deleteElement(ctx, DTraces, id)
}
