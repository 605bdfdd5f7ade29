package watchq

import (
	"context"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

func recv(t *testing.T, c <-chan driver.StateChange) driver.StateChange {
	t.Helper()
	select {
	case x, ok := <-c:
		if !ok {
			t.Fatal("channel closed")
		}
		return x
	case <-time.After(5 * time.Second):
		t.Fatal("no change within 5 s")
	}
	return driver.StateChange{}
}

func TestOrderAndCoalescing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := New(ctx)
	// Nobody reads yet: the pump holds at most the first change; the
	// rest coalesce per VM.
	q.Push(driver.StateChange{UUID: "a", State: driver.StateBooting})
	q.Push(driver.StateChange{UUID: "b", State: driver.StateBooting})
	q.Push(driver.StateChange{UUID: "a", State: driver.StateRunning})
	q.Push(driver.StateChange{UUID: "c", State: driver.StateStopped})
	q.Push(driver.StateChange{UUID: "b", State: driver.StateRunning})

	var got []driver.StateChange
	seen := map[string]driver.State{}
	for seen["a"] != driver.StateRunning || seen["b"] != driver.StateRunning || seen["c"] != driver.StateStopped {
		x := recv(t, q.C())
		got = append(got, x)
		seen[x.UUID] = x.State
	}
	if len(got) > 5 {
		t.Fatalf("more changes than pushed: %v", got)
	}
	// The last change of each VM comes after its earlier ones.
	last := map[string]int{}
	for i, x := range got {
		last[x.UUID] = i
	}
	if got[last["a"]].State != driver.StateRunning || got[last["b"]].State != driver.StateRunning {
		t.Fatalf("latest state not last: %v", got)
	}
	if q.Len() != 0 {
		t.Fatalf("%d still pending", q.Len())
	}
}

func TestPromptConsumerSeesEveryChange(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := New(ctx)
	states := []driver.State{driver.StateBooting, driver.StateRunning, driver.StateShuttingDown, driver.StateStopped}
	for _, s := range states {
		q.Push(driver.StateChange{UUID: "a", State: s})
		if x := recv(t, q.C()); x.State != s {
			t.Fatalf("got %v, want %v", x.State, s)
		}
	}
}

func TestClosesWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	q := New(ctx)
	q.Push(driver.StateChange{UUID: "a", State: driver.StateRunning})
	cancel()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-q.C():
			if !ok {
				q.Push(driver.StateChange{UUID: "b"}) // after close: must not block or panic
				return
			}
		case <-deadline:
			t.Fatal("channel not closed")
		}
	}
}

func TestPushNeverBlocks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := New(ctx)
	for i := range 100_000 {
		q.Push(driver.StateChange{UUID: string(rune('a' + i%50)), State: driver.StateRunning})
	}
	if n := q.Len(); n > 50 {
		t.Fatalf("%d pending for 50 VMs", n)
	}
}
