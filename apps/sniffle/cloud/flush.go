package cloud

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/internal/record"
)

// flushLoop writes a range's pending view changes until there are none.
func (s *Service) flushLoop(id string, a *allocator) {
	ctx := context.Background()
	for {
		n, err := s.flushRange(ctx, id, a)
		if err != nil {
			s.opts.Logger.Warn("ip range view not written", "iprange", id, "err", err)
		}
		a.mu.Lock()
		if err != nil || (n == 0 && len(a.used) == 0 && len(a.freed) == 0) {
			a.queued = false
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
	}
}

// flushRange writes a's pending changes to the range's record in one
// update and returns how many it wrote.
func (s *Service) flushRange(ctx context.Context, id string, a *allocator) (int, error) {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	used, freed := a.used, a.freed
	a.used, a.freed = map[uint32]bool{}, map[uint32]bool{}
	a.mu.Unlock()
	if len(used)+len(freed) == 0 {
		return 0, nil
	}
	err := s.repo.Update(ctx, record.BucketIPRange, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		for ip := range used {
			if _, err := record.ClaimIP(r, st, ip); err != nil && !errors.Is(err, record.ErrInvalid) {
				return nil, err
			}
		}
		for ip := range freed {
			if _, err := record.ReleaseIP(r, st, ip); err != nil && !errors.Is(err, record.ErrInvalid) {
				return nil, err
			}
		}
		return r, nil
	})
	if errors.Is(err, ErrNotFound) {
		return len(used) + len(freed), nil // the range is gone
	}
	if err != nil {
		a.mu.Lock() // keep them for the next flush
		for ip := range used {
			if !a.freed[ip] {
				a.used[ip] = true
			}
		}
		for ip := range freed {
			if !a.used[ip] {
				a.freed[ip] = true
			}
		}
		a.mu.Unlock()
		return 0, err
	}
	return len(used) + len(freed), nil
}

// FlushIPViews writes every range's pending view changes now, so the
// ranges' free and used sets show every lease made so far.
func (s *Service) FlushIPViews(ctx context.Context) error {
	var errs []error
	for _, id := range s.allocs.ids() {
		if _, err := s.flushRange(ctx, id, s.allocs.get(id)); err != nil {
			errs = append(errs, fmt.Errorf("iprange %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}
