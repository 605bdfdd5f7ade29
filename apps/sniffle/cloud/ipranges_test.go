package cloud

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func rangeSpec(name, first, last string) IPRangeSpec {
	return IPRangeSpec{Name: name, Network: "10.0.0.0", Netmask: "255.255.255.0", Gateway: "10.0.0.1",
		First: first, Last: last, Tag: "admin"}
}

func TestIPRangeValidation(t *testing.T) {
	s, ctx := newService(t)
	for name, p := range map[string]IPRangeSpec{
		"bad address":    {Name: "a", Network: "10.0.0.0", Netmask: "255.255.255.0", Gateway: "10.0.0.1", First: "10.0.0.x", Last: "10.0.0.9", Tag: "t"},
		"bad mask":       {Name: "a", Network: "10.0.0.0", Netmask: "255.0.255.0", Gateway: "10.0.0.1", First: "10.0.0.2", Last: "10.0.0.9", Tag: "t"},
		"reversed":       rangeSpec("a", "10.0.0.9", "10.0.0.2"),
		"outside subnet": rangeSpec("a", "10.0.0.2", "10.0.1.9"),
		"no tag":         {Name: "a", Network: "10.0.0.0", Netmask: "255.255.255.0", Gateway: "10.0.0.1", First: "10.0.0.2", Last: "10.0.0.9"},
		"vlan":           {Name: "a", Network: "10.0.0.0", Netmask: "255.255.255.0", Gateway: "10.0.0.1", First: "10.0.0.2", Last: "10.0.0.9", Tag: "t", VLAN: 5000},
		"ipv6":           {Name: "a", Network: "::", Netmask: "255.255.255.0", Gateway: "10.0.0.1", First: "10.0.0.2", Last: "10.0.0.9", Tag: "t"},
	} {
		if _, err := s.CreateIPRange(ctx, p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.20")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.20")); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
}

func TestClaimReleaseIP(t *testing.T) {
	s, ctx := newService(t)
	id, err := s.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.12"))
	must(t, err)
	var got []string
	for i := range 3 {
		l, err := s.ClaimIP(ctx, id, fmt.Sprint("vm", i))
		must(t, err)
		if l.Netmask != "255.255.255.0" || l.Gateway != "10.0.0.1" || l.Tag != "admin" {
			t.Fatalf("lease %+v", l)
		}
		got = append(got, l.IP)
	}
	if fmt.Sprint(got) != "[10.0.0.10 10.0.0.11 10.0.0.12]" {
		t.Fatalf("claimed %v, want lowest first", got)
	}
	if _, err := s.ClaimIP(ctx, id, "vm9"); !errors.Is(err, ErrExhausted) || !errors.Is(err, ErrConflict) {
		t.Fatalf("exhausted range: %v", err)
	}
	if err := s.DeleteIPRange(ctx, id); !errors.Is(err, ErrConflict) {
		t.Fatalf("delete with leases: %v", err)
	}
	if err := s.ReleaseIP(ctx, id, "10.0.0.11", "vm0"); !errors.Is(err, ErrConflict) {
		t.Fatalf("release by a non-holder: %v", err)
	}
	must(t, s.ReleaseIP(ctx, id, "10.0.0.11", "vm1"))
	must(t, s.ReleaseIP(ctx, id, "10.0.0.11", "vm1")) // idempotent
	l, err := s.ClaimIP(ctx, id, "vm3")
	must(t, err)
	if l.IP != "10.0.0.11" {
		t.Fatalf("reclaimed %s", l.IP)
	}
	if h, err := s.LeaseHolder(ctx, id, "10.0.0.11"); err != nil || h != "vm3" {
		t.Fatalf("holder %q %v", h, err)
	}
	for _, ip := range []string{"10.0.0.10", "10.0.0.11", "10.0.0.12"} {
		must(t, s.ReleaseIP(ctx, id, ip, "")) // manual release: whoever holds it
	}
	must(t, s.DeleteIPRange(ctx, id))
}

// TestConcurrentClaimsNeverDuplicate: many claimers on a small range get
// distinct addresses and the rest get ErrExhausted.
func TestConcurrentClaimsNeverDuplicate(t *testing.T) {
	s, ctx := newService(t)
	id, err := s.CreateIPRange(ctx, rangeSpec("r", "10.0.0.100", "10.0.0.139")) // 40
	must(t, err)
	const claimers = 100
	var (
		mu        sync.Mutex
		byIP      = map[string]string{}
		exhausted int
		wg        sync.WaitGroup
	)
	for i := range claimers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			holder := fmt.Sprint("vm", i)
			l, err := s.ClaimIP(ctx, id, holder)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrExhausted):
				exhausted++
			case err != nil:
				t.Error(err)
			default:
				if prev, dup := byIP[l.IP]; dup {
					t.Errorf("%s leased to %s and %s", l.IP, prev, holder)
				}
				byIP[l.IP] = holder
			}
		}()
	}
	wg.Wait()
	if len(byIP) != 40 || exhausted != claimers-40 {
		t.Fatalf("%d leased, %d exhausted", len(byIP), exhausted)
	}
	must(t, s.FlushIPViews(ctx))
	r, err := s.iprange(ctx, id)
	must(t, err)
	if len(r.Free) != 0 || len(r.Used) != 40 {
		t.Fatalf("range view: %d free, %d used", len(r.Free), len(r.Used))
	}
}

func TestNetworksGroupIPRanges(t *testing.T) {
	s, ctx := newService(t)
	n, err := s.CreateNetwork(ctx, "public")
	must(t, err)
	r, err := s.CreateIPRange(ctx, rangeSpec("r", "10.0.0.10", "10.0.0.12"))
	must(t, err)
	if err := s.AddNetworkIPRange(ctx, n, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("add missing range: %v", err)
	}
	must(t, s.AddNetworkIPRange(ctx, n, r))
	must(t, s.AddResolver(ctx, n, "8.8.8.8"))
	if err := s.AddResolver(ctx, n, "dns.example"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad resolver: %v", err)
	}
	net, err := s.network(ctx, n)
	must(t, err)
	if len(net.IPRanges) != 1 || net.IPRanges[0] != r || len(net.Resolvers) != 1 {
		t.Fatalf("network %+v", net)
	}
	must(t, s.RemoveNetworkIPRange(ctx, n, r))
	must(t, s.DeleteNetwork(ctx, n))
	if _, err := s.CreateNetwork(ctx, "public"); err != nil {
		t.Fatalf("name not freed: %v", err)
	}
}

// TestClaimOnAGoneRange: a claim checks that its range still exists even
// when the range's allocator is loaded (the record deleted elsewhere, as
// by another node), and the lease carries the range's settings.
func TestClaimOnAGoneRange(t *testing.T) {
	s, ctx := newService(t)
	id, err := s.CreateIPRange(ctx, IPRangeSpec{Name: "r", Network: "10.0.0.0", Netmask: "255.255.255.0",
		Gateway: "10.0.0.1", First: "10.0.0.10", Last: "10.0.0.20", Tag: "admin", VLAN: 7})
	must(t, err)
	l, err := s.ClaimIP(ctx, id, "vm0")
	must(t, err)
	want := Lease{IPRange: id, IP: "10.0.0.10", Netmask: "255.255.255.0", Gateway: "10.0.0.1", Tag: "admin", VLAN: 7}
	if l != want {
		t.Fatalf("lease %+v, want %+v", l, want)
	}
	must(t, s.FlushIPViews(ctx))
	must(t, s.st.Delete(ctx, "iprange", id))
	if _, err := s.ClaimIP(ctx, id, "vm1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("claim on a deleted range: %v", err)
	}
	if err := s.ReleaseIP(ctx, id, "10.0.0.10", "vm0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("release on a deleted range: %v", err)
	}
}
