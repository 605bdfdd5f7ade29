package cloud

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// twoNodes returns two services over one store, as control nodes A and C
// over the replicated records, sharing clk.
func twoNodes(clk *clock) (a, c *Service) {
	st := recstore.NewMemory(record.StoreCodec{})
	a = New(st, Options{Actor: "a", Now: clk.now})
	c = New(st, Options{Actor: "c", Now: clk.now})
	return a, c
}

// fillAcross leases every address of a 3-address range, one on c and two
// on a, with c's allocator loaded first; it returns the range's id.
func fillAcross(t *testing.T, ctx context.Context, a, c *Service) string {
	t.Helper()
	id, err := a.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.12"))
	must(t, err)
	l, err := c.ClaimIP(ctx, id, "vm-c")
	must(t, err)
	if l.IP != "10.0.0.10" {
		t.Fatalf("c leased %s", l.IP)
	}
	for _, want := range []string{"10.0.0.11", "10.0.0.12"} {
		l, err := a.ClaimIP(ctx, id, "vm-a"+want)
		must(t, err)
		if l.IP != want {
			t.Fatalf("a leased %s, want %s", l.IP, want)
		}
	}
	if _, err := c.ClaimIP(ctx, id, "vm-x"); !errors.Is(err, ErrExhausted) {
		t.Fatalf("full range on c: %v", err)
	}
	must(t, a.FlushIPViews(ctx)) // what the background flushes do
	must(t, c.FlushIPViews(ctx))
	return id
}

// TestReleaseOnOneNodeClaimOnAnother: an address released through node A
// is leased through node C, whose allocator had found the range full.
func TestReleaseOnOneNodeClaimOnAnother(t *testing.T) {
	ctx := context.Background()
	a, c := twoNodes(&clock{t: time.Unix(1000, 0)})
	id := fillAcross(t, ctx, a, c)
	if ri, err := c.RangeInfo(ctx, id); err != nil || ri.HasFree {
		t.Fatalf("full range on c: %+v %v", ri, err)
	}
	must(t, a.ReleaseIP(ctx, id, "10.0.0.11", ""))
	must(t, a.FlushIPViews(ctx)) // what a's background flush does
	if ri, err := c.RangeInfo(ctx, id); err != nil || !ri.HasFree {
		t.Fatalf("c after the release on a: %+v %v", ri, err)
	}
	l, err := c.ClaimIP(ctx, id, "vm-y")
	must(t, err)
	if l.IP != "10.0.0.11" {
		t.Fatalf("c leased %s, want 10.0.0.11", l.IP)
	}
	if h, err := a.LeaseHolder(ctx, id, "10.0.0.11"); err != nil || h != "vm-y" {
		t.Fatalf("holder %q %v", h, err)
	}
	if _, err := a.ClaimIP(ctx, id, "vm-z"); !errors.Is(err, ErrExhausted) {
		t.Fatalf("full again, on a: %v", err)
	}
}

// TestUnwrittenReleaseFoundByLeaseCheck: a release whose view never
// reached the range's record (the releasing node died before its flush)
// is found by the lease-name check of a node that finds the range full,
// at most once per IPReload, and the record's view is repaired.
func TestUnwrittenReleaseFoundByLeaseCheck(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Unix(1000, 0)}
	a, c := twoNodes(clk)
	id := fillAcross(t, ctx, a, c)
	if _, err := c.ClaimIP(ctx, id, "vm-x"); !errors.Is(err, ErrExhausted) {
		t.Fatalf("full range on c: %v", err)
	}
	// c checked the leases when it found the range full; a dies after
	// releasing .12's name, before writing the view.
	must(t, a.st.ReleaseName(ctx, leaseBucket, leaseKey(id, 0x0a00000c), "vm-a10.0.0.12"))
	if _, err := c.ClaimIP(ctx, id, "vm-y"); !errors.Is(err, ErrExhausted) {
		t.Fatalf("within IPReload of the last check: %v", err)
	}
	clk.add(10 * time.Second)
	l, err := c.ClaimIP(ctx, id, "vm-y")
	must(t, err)
	if l.IP != "10.0.0.12" {
		t.Fatalf("c leased %s, want 10.0.0.12", l.IP)
	}
	must(t, c.ReleaseIP(ctx, id, "10.0.0.12", "vm-y"))
	must(t, c.FlushIPViews(ctx))
	r, err := a.iprange(ctx, id)
	must(t, err)
	if len(r.Free) != 1 || r.Free[0] != 0x0a00000c || len(r.Used) != 2 {
		t.Fatalf("range view: free %v used %v", r.Free, r.Used)
	}
}

// TestViewReloadedPeriodically: an allocator re-reads its range after
// IPReload, so an address released on another node is leased again
// lowest first.
func TestViewReloadedPeriodically(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Unix(1000, 0)}
	a, c := twoNodes(clk)
	id, err := a.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.20"))
	must(t, err)
	_, err = a.ClaimIP(ctx, id, "vm0") // .10
	must(t, err)
	must(t, a.FlushIPViews(ctx))
	l, err := c.ClaimIP(ctx, id, "vm1")
	must(t, err)
	if l.IP != "10.0.0.11" {
		t.Fatalf("c leased %s", l.IP)
	}
	must(t, a.ReleaseIP(ctx, id, "10.0.0.10", "vm0"))
	must(t, a.FlushIPViews(ctx))
	if l, err = c.ClaimIP(ctx, id, "vm2"); err != nil || l.IP != "10.0.0.12" {
		t.Fatalf("within IPReload: %s %v", l.IP, err)
	}
	clk.add(10 * time.Second)
	if l, err = c.ClaimIP(ctx, id, "vm3"); err != nil || l.IP != "10.0.0.10" {
		t.Fatalf("after IPReload: %s %v", l.IP, err)
	}
}

// TestClaimEndsWhenViewLags: when another node leased every address and
// its view is not written (it died before its flush), a claim tries each
// address once and answers ErrExhausted.
func TestClaimEndsWhenViewLags(t *testing.T) {
	ctx := context.Background()
	a, c := twoNodes(&clock{t: time.Unix(1000, 0)})
	id, err := a.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.12"))
	must(t, err)
	for ip := uint32(0x0a00000a); ip <= 0x0a00000c; ip++ {
		must(t, a.st.ClaimName(ctx, leaseBucket, leaseKey(id, ip), "elsewhere"))
	}
	for range 2 {
		if _, err := c.ClaimIP(ctx, id, "vm"); !errors.Is(err, ErrExhausted) {
			t.Fatalf("claim: %v", err)
		}
	}
	must(t, a.st.ReleaseName(ctx, leaseBucket, leaseKey(id, 0x0a00000b), "elsewhere"))
	l, err := c.ClaimIP(ctx, id, "vm")
	must(t, err)
	if l.IP != "10.0.0.11" {
		t.Fatalf("leased %s", l.IP)
	}
}
