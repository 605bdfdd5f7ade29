package ops

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestChecksConcurrent runs writers and readers at once; go test -race
// checks the locking.
func TestChecksConcurrent(t *testing.T) {
	checks := NewChecks()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("c%d", i)
			for j := range 200 {
				switch j % 4 {
				case 0:
					checks.Set(name, errors.New("busy"))
				case 1:
					checks.Register(name, func(context.Context) error { return nil })
				case 2:
					checks.Set(name, nil)
				case 3:
					_ = checks.Failing(context.Background())
				}
			}
			checks.Remove(name)
		}()
	}
	wg.Wait()
	if failing := checks.Failing(context.Background()); len(failing) != 0 {
		t.Fatalf("after Remove: failing %v", failing)
	}
}

// TestCheckFuncMayUseChecks checks that a CheckFunc runs outside the lock.
func TestCheckFuncMayUseChecks(t *testing.T) {
	checks := NewChecks()
	checks.Register("self", func(ctx context.Context) error {
		checks.Set("other", nil)
		return nil
	})
	if failing := checks.Failing(context.Background()); len(failing) != 0 {
		t.Fatalf("failing %v", failing)
	}
}
