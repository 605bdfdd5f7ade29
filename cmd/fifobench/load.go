package main

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is the outcome of one closed-loop load.
type loadResult struct {
	Ops      int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// PerSec is the throughput.
func (r loadResult) PerSec() float64 { return float64(r.Ops) / r.Elapsed.Seconds() }

// closedLoop runs op from concurrency workers until total operations are
// done, each worker issuing its next operation when the previous returns.
func closedLoop(concurrency, total int, op func(worker, i int) error) loadResult {
	var next, errs atomic.Int64
	lat := make([][]time.Duration, concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				t0 := time.Now()
				if err := op(w, i); err != nil {
					errs.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[int(p*float64(len(all)-1))]
	}
	return loadResult{Ops: total, Errors: int(errs.Load()), Elapsed: elapsed, P50: pct(0.50), P99: pct(0.99)}
}
