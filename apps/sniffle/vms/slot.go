package vms

import "context"

// Slot is the place a create flow holds among those its runner lets run
// at once. A flow that waits for a silent host (hostwait.go) gives its
// place up meanwhile, so creates elsewhere are not held up by it, and
// takes one again before it goes on.
type Slot interface {
	// Leave gives the place up.
	Leave()
	// Return takes a place again, or fails when ctx ends first.
	Return(ctx context.Context) error
}

type slotKey struct{}

// WithSlot returns ctx carrying the flow's slot, for Run.
func WithSlot(ctx context.Context, s Slot) context.Context {
	return context.WithValue(ctx, slotKey{}, s)
}

// leaveSlot gives up the flow's place, if it holds one, and returns how
// to take one again.
func leaveSlot(ctx context.Context) (back func(ctx context.Context) error) {
	s, ok := ctx.Value(slotKey{}).(Slot)
	if !ok {
		return func(context.Context) error { return nil }
	}
	s.Leave()
	return s.Return
}
