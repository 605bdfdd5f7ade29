package crdt

import (
	"math"
	"sync"
	"testing"
)

// fakeTime is a settable physical clock.
type fakeTime struct{ ns int64 }

func (f *fakeTime) now() int64 { return f.ns }

func TestClockMonotoneWhenTimeGoesBackwards(t *testing.T) {
	ft := &fakeTime{ns: 1000}
	c := NewClock("n1", ft.now)
	steps := []struct {
		phys int64
		want Timestamp
	}{
		{1000, Timestamp{1000, 0, "n1"}},
		{1000, Timestamp{1000, 1, "n1"}},
		{900, Timestamp{1000, 2, "n1"}}, // physical clock stepped back
		{500, Timestamp{1000, 3, "n1"}},
		{1001, Timestamp{1001, 0, "n1"}},
	}
	var prev Timestamp
	for i, s := range steps {
		ft.ns = s.phys
		got := c.Now()
		if got != s.want {
			t.Fatalf("step %d: Now = %v, want %v", i, got, s.want)
		}
		if i > 0 && got.Compare(prev) <= 0 {
			t.Fatalf("step %d: %v not after %v", i, got, prev)
		}
		prev = got
	}
}

func TestClockObserve(t *testing.T) {
	ft := &fakeTime{ns: 100}
	c := NewClock("b", ft.now)
	remote := Timestamp{Wall: 500, Logical: 3, Node: "a"}
	c.Observe(remote)
	if got := c.Now(); got != (Timestamp{500, 4, "b"}) {
		t.Fatalf("after observing %v: Now = %v", remote, got)
	}
	c.Observe(Timestamp{Wall: 400, Logical: 9, Node: "a"}) // older: no effect
	if got := c.Now(); got != (Timestamp{500, 5, "b"}) {
		t.Fatalf("after observing an older reading: Now = %v", got)
	}
	ft.ns = 600
	if got := c.Now(); got != (Timestamp{600, 0, "b"}) {
		t.Fatalf("after physical time passed: Now = %v", got)
	}
}

func TestClockLogicalOverflowBorrowsANanosecond(t *testing.T) {
	c := NewClock("n", func() int64 { return 10 })
	c.Observe(Timestamp{Wall: 10, Logical: math.MaxUint32})
	if got := c.Now(); got != (Timestamp{11, 0, "n"}) {
		t.Fatalf("Now = %v, want 11.0@n", got)
	}
}

func TestClockConcurrentReadingsAreUnique(t *testing.T) {
	c := NewClock("n", func() int64 { return 7 })
	const workers, each = 4, 200
	out := make(chan Timestamp, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				out <- c.Now()
			}
		})
	}
	wg.Wait()
	close(out)
	seen := map[Timestamp]bool{}
	for ts := range out {
		if seen[ts] {
			t.Fatalf("duplicate reading %v", ts)
		}
		seen[ts] = true
	}
}
