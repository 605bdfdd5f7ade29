package cloud

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// downNames is a store whose name claims of chosen lease keys fail as a
// replicated store's do when the name's partition owner is unreachable.
type downNames struct {
	recstore.Store
	mu   sync.Mutex
	down map[string]bool
}

func (d *downNames) ClaimName(ctx context.Context, bucket, name, id string) error {
	d.mu.Lock()
	down := d.down[name]
	d.mu.Unlock()
	if down {
		return recstore.ErrUnavailable
	}
	return d.Store.ClaimName(ctx, bucket, name, id)
}

func (d *downNames) set(names map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.down = names
}

// A claim skips addresses whose owner is unreachable and leases one owned
// on this side of a network partition; when every free address is
// unreachable it says the store is unavailable (not exhausted); after the
// heal the skipped addresses are leased again.
func TestClaimSkipsUnreachableAddresses(t *testing.T) {
	ctx := context.Background()
	st := &downNames{Store: recstore.NewMemory(record.StoreCodec{})}
	s := New(st, Options{Actor: "a"})
	id, err := s.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.12"))
	must(t, err)
	key := func(ip string) string {
		n, err := ParseIPv4(ip)
		must(t, err)
		return leaseKey(id, n)
	}
	st.set(map[string]bool{key("10.0.0.10"): true})
	l, err := s.ClaimIP(ctx, id, "vm1")
	must(t, err)
	if l.IP != "10.0.0.11" {
		t.Fatalf("leased %s, want 10.0.0.11 (10.0.0.10's owner is unreachable)", l.IP)
	}
	st.set(map[string]bool{key("10.0.0.10"): true, key("10.0.0.12"): true})
	if _, err := s.ClaimIP(ctx, id, "vm2"); !errors.Is(err, recstore.ErrUnavailable) || errors.Is(err, ErrExhausted) {
		t.Fatalf("every free address unreachable: %v", err)
	}
	st.set(nil)
	for _, want := range []string{"10.0.0.10", "10.0.0.12"} {
		l, err := s.ClaimIP(ctx, id, "vm-"+want)
		must(t, err)
		if l.IP != want {
			t.Fatalf("after the heal leased %s, want %s", l.IP, want)
		}
	}
	if _, err := s.ClaimIP(ctx, id, "vm4"); !errors.Is(err, ErrExhausted) {
		t.Fatalf("full range: %v", err)
	}
}
