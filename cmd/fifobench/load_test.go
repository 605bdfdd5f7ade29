package main

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestClosedLoopCountsEveryOp(t *testing.T) {
	var calls atomic.Int64
	res := closedLoop(8, 1000, func(w, i int) error {
		calls.Add(1)
		if i%10 == 0 {
			return errors.New("boom")
		}
		return nil
	})
	if calls.Load() != 1000 || res.Ops != 1000 || res.Errors != 100 {
		t.Fatalf("calls %d ops %d errors %d", calls.Load(), res.Ops, res.Errors)
	}
	if res.P50 > res.P99 || res.Elapsed <= 0 {
		t.Fatalf("bad figures %+v", res)
	}
}

func TestMedianPicksMiddleThroughput(t *testing.T) {
	mk := func(ops int) loadResult { return loadResult{Ops: ops, Elapsed: time.Second} }
	if m := median([]loadResult{mk(30), mk(10), mk(20)}); m.Ops != 20 {
		t.Fatalf("median ops %d", m.Ops)
	}
}
