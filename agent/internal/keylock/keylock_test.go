package keylock

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestMutualExclusionPerKey(t *testing.T) {
	var l Locks
	var wg sync.WaitGroup
	counts := map[string]int{}
	var mu sync.Mutex
	inside := map[string]int{}
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b"}[g%2]
			for range 100 {
				unlock, err := l.Lock(context.Background(), key)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				inside[key]++
				if inside[key] != 1 {
					t.Errorf("%d holders of %s", inside[key], key)
				}
				counts[key]++
				mu.Unlock()
				mu.Lock()
				inside[key]--
				mu.Unlock()
				unlock()
				unlock() // a second call is harmless
			}
		}()
	}
	wg.Wait()
	if counts["a"] != 800 || counts["b"] != 800 {
		t.Fatalf("counts %v", counts)
	}
	if l.Len() != 0 {
		t.Fatalf("%d keys left", l.Len())
	}
}

func TestLockGivesUpWithContext(t *testing.T) {
	var l Locks
	unlock, err := l.Lock(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Lock(ctx, "a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	unlock()
	if l.Len() != 0 {
		t.Fatalf("%d keys left", l.Len())
	}
}
