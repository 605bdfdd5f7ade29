package ledger

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

func TestReserve(t *testing.T) {
	type step struct {
		vm      string
		mb      int64
		usage   map[string]int64
		wantErr error
		wantUse int64 // Provisioned(usage) after the step
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"fits then refuses", []step{
			{"a", 600, nil, nil, 600},
			{"b", 400, nil, nil, 1000},
			{"c", 1, nil, driver.ErrNoMemory, 1000},
		}},
		{"repeat is idempotent, also when full", []step{
			{"a", 1000, nil, nil, 1000},
			{"a", 1000, nil, nil, 1000},
		}},
		{"shrinking is always admitted", []step{
			{"a", 1000, nil, nil, 1000},
			{"a", 10, nil, nil, 10},
		}},
		{"growing past capacity is refused and keeps the old", []step{
			{"a", 800, nil, nil, 800},
			{"a", 1200, nil, driver.ErrNoMemory, 800},
		}},
		{"a created VM counts once with the larger", []step{
			{"a", 500, map[string]int64{"a": 700}, nil, 700},
			{"b", 300, map[string]int64{"a": 700}, nil, 1000},
			{"c", 1, map[string]int64{"a": 700}, driver.ErrNoMemory, 1000},
		}},
		{"unreserved VMs count", []step{
			{"a", 200, map[string]int64{"x": 900}, driver.ErrNoMemory, 900},
			{"a", 100, map[string]int64{"x": 900}, nil, 1000},
		}},
		{"already over capacity: non-growing still admitted", []step{
			{"a", 100, map[string]int64{"x": 1500, "a": 100}, nil, 1600},
			{"a", 101, map[string]int64{"x": 1500, "a": 100}, driver.ErrNoMemory, 1600},
		}},
		{"zero is invalid", []step{{"a", 0, nil, driver.ErrInvalid, 0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := New()
			for i, s := range tc.steps {
				err := l.Reserve(s.vm, s.mb, 1000, s.usage)
				if !errors.Is(err, s.wantErr) || (s.wantErr == nil && err != nil) {
					t.Fatalf("step %d: Reserve(%s, %d) = %v, want %v", i, s.vm, s.mb, err, s.wantErr)
				}
				if got := l.Provisioned(s.usage); got != s.wantUse {
					t.Fatalf("step %d: provisioned %d, want %d", i, got, s.wantUse)
				}
			}
		})
	}
}

func TestReleaseAndRestore(t *testing.T) {
	l := New()
	if err := l.Reserve("a", 1000, 1000, nil); err != nil {
		t.Fatal(err)
	}
	l.Release("a")
	l.Release("never") // idempotent
	if err := l.Reserve("b", 1000, 1000, nil); err != nil {
		t.Fatalf("after release: %v", err)
	}
	mb, ok := l.Get("b")
	if err := l.Reserve("b", 10, 1000, nil); err != nil {
		t.Fatal(err)
	}
	l.Restore("b", mb, ok)
	if got, _ := l.Get("b"); got != 1000 {
		t.Fatalf("restored %d", got)
	}
	l.Restore("c", 0, false)
	if _, ok := l.Get("c"); ok {
		t.Fatal("restore of no reservation left one")
	}
}

// TestNeverOverCapacity races many goroutines reserving, growing,
// shrinking and releasing; the admitted total never exceeds capacity.
func TestNeverOverCapacity(t *testing.T) {
	const capacity = 10_000
	l := New()
	var wg sync.WaitGroup
	var admitted atomic.Int64
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				vm := fmt.Sprintf("vm-%d-%d", g, i%7)
				mb := int64(100 + (g*31+i*17)%900)
				if err := l.Reserve(vm, mb, capacity, nil); err == nil {
					admitted.Add(1)
				} else if !errors.Is(err, driver.ErrNoMemory) {
					t.Error(err)
					return
				}
				if used := l.Provisioned(nil); used > capacity {
					t.Errorf("provisioned %d > capacity %d", used, capacity)
					return
				}
				if i%5 == 0 {
					l.Release(vm)
				}
			}
		}()
	}
	wg.Wait()
	if admitted.Load() == 0 {
		t.Fatal("nothing admitted: the test proves nothing")
	}
}
