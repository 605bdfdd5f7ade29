package sniffle

import (
	"context"
	"fmt"
)

// Go runs fn in the background under the create runner, as a create flow
// runs: fn's context ends when sniffle stops, and the stop waits for fn
// to return. A panic in fn is logged. ErrNotRunning when sniffle is not
// running. Dataset imports (package images) run this way.
func (s *Service) Go(fn func(ctx context.Context)) error {
	s.mu.Lock()
	ctx := s.ctx
	if ctx == nil {
		s.mu.Unlock()
		return ErrNotRunning
	}
	s.flows.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.flows.Done()
		defer func() {
			if r := recover(); r != nil {
				s.opts.Logger.Error("background flow panicked", "panic", fmt.Sprint(r))
			}
		}()
		fn(ctx)
	}()
	return nil
}
