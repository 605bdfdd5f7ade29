package aae

import (
	"context"

	"github.com/fifogo/fifo/internal/runtime"
)

// actor is the aae process: it serves tree questions at once (they take
// the partition's tree lock for a moment) and leaves builds, rounds and
// exchanges to goroutines.
type actor struct {
	runtime.Base
	s          *Service
	ctx        context.Context
	cancel     context.CancelFunc
	removeHook func()
}

// Init forgets the trees of a previous incarnation (writes were not
// followed meanwhile), follows the store's writes and starts the loop that
// builds the trees, then runs a round every Interval.
func (a *actor) Init(p *runtime.Process) {
	a.s.trees.Reset()
	a.removeHook = a.s.opts.Store.AddWriteHook(a.s.hook)
	a.ctx, a.cancel = context.WithCancel(context.Background())
	go a.s.run(a.ctx, p.Node(), p.Logger())
}

func (a *actor) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	switch r := req.(type) {
	case TreeReq:
		return a.s.answer(r)
	case statsCmd:
		return a.s.stats(), nil
	case exchangeCmd:
		reply, n, ctx := p.Detach(from), p.Node(), a.ctx
		go func() { reply(a.s.exchange(ctx, n, r.partition, r.peer)) }()
		return nil, runtime.Deferred
	}
	return a.Base.HandleCall(p, from, req)
}

// Terminate stops the loop and the hook.
func (a *actor) Terminate(*runtime.Process, string) {
	if a.cancel != nil {
		a.cancel()
	}
	if a.removeHook != nil {
		a.removeHook()
	}
}
