package cloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// An IP range's record keeps its addresses in free and used sets, FiFo's
// view of the range. A lease is decided by a unique name (leaseBucket);
// rewriting a range of thousands of addresses for every lease would make
// each claim cost as much as the range is large, and serialise claims on
// the record. So each range has an allocator in memory: the addresses
// believed free, read from the record, handed out one per claim, and the
// changes to the record's view not yet written, which a flush writes in
// one update for many leases.
//
// Every control node has its own allocators over the shared records. An
// address another node leased stays a candidate here until a claim finds
// its name taken; an address another node released is only learnt from
// the record. So an allocator re-reads its range's record when its view
// is older than Options.IPReload and before it answers that the range is
// exhausted; and when the record too says exhausted, it checks the lease
// names of the addresses the record calls used (at most once per
// IPReload), which finds addresses whose release never reached the
// record (a node that died before its flush).

// allocator is one IP range's in-memory state.
type allocator struct {
	mu        sync.Mutex
	loaded    bool
	loads     uint64    // how many times free was rebuilt from the record
	loadedAt  time.Time // when free was last rebuilt from the record
	checkedAt time.Time // when the used addresses' leases were last checked
	tag       string
	lease     Lease    // the range's settings (IP empty), fixed at its creation
	free      []uint32 // candidates, ascending
	used      map[uint32]bool
	freed     map[uint32]bool
	queued    bool // a background flush is scheduled

	flushMu sync.Mutex // one flush or reload at a time
}

// allocators holds the allocators of the ranges this service touched.
type allocators struct {
	mu sync.Mutex
	m  map[string]*allocator
}

func (as *allocators) get(id string) *allocator {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.m == nil {
		as.m = map[string]*allocator{}
	}
	a, ok := as.m[id]
	if !ok {
		a = &allocator{used: map[uint32]bool{}, freed: map[uint32]bool{}}
		as.m[id] = a
	}
	return a
}

func (as *allocators) drop(id string) {
	as.mu.Lock()
	defer as.mu.Unlock()
	delete(as.m, id)
}

func (as *allocators) ids() []string {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]string, 0, len(as.m))
	for id := range as.m {
		out = append(out, id)
	}
	return out
}

// fresh reports whether a's view may be used as it is (a.mu held): loaded,
// with a candidate, and read from the record less than IPReload ago.
func (s *Service) fresh(a *allocator) bool {
	return a.loaded && len(a.free) > 0 && s.opts.Now().Sub(a.loadedAt) < s.opts.IPReload
}

// reload rebuilds a's candidates from the range's record: its free set,
// less the addresses leased here and not yet written and those in tried
// (found leased by the claim under way), plus the ones released here and
// not yet written. Holding flushMu, no flush is half done meanwhile.
// Callers that waited for another reload take its result. When no
// candidate is left, the lease names are checked (see checkLeases), at
// most once per IPReload.
func (s *Service) reload(ctx context.Context, a *allocator, id string, tried map[uint32]bool) error {
	a.mu.Lock()
	seen := a.loads
	a.mu.Unlock()
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	done := a.loads != seen
	a.mu.Unlock()
	if done {
		return nil
	}
	r, err := s.iprange(ctx, id)
	if err != nil {
		return err
	}
	now := s.opts.Now()
	a.mu.Lock()
	free := slices.DeleteFunc(slices.Clone(r.Free), func(ip uint32) bool { return a.used[ip] || tried[ip] })
	for ip := range a.freed {
		free = append(free, ip)
	}
	slices.Sort(free)
	a.free = slices.Compact(free)
	a.tag = r.Tag
	a.lease = Lease{IPRange: id, Netmask: FormatIPv4(r.Netmask), Gateway: FormatIPv4(r.Gateway), Tag: r.Tag, VLAN: r.VLAN}
	a.loaded, a.loadedAt = true, now
	a.loads++
	check := len(a.free) == 0 && (a.checkedAt.IsZero() || now.Sub(a.checkedAt) >= s.opts.IPReload)
	if check {
		a.checkedAt = now
	}
	a.mu.Unlock()
	if !check {
		return nil
	}
	return s.checkLeases(ctx, id, r.Used)
}

// checkLeases makes the addresses of used whose lease names are free
// candidates again, and queues their release in the range's view.
func (s *Service) checkLeases(ctx context.Context, id string, used []uint32) error {
	for _, ip := range used {
		_, err := s.st.LookupName(ctx, leaseBucket, leaseKey(id, ip))
		switch {
		case errors.Is(err, recstore.ErrNotFound):
			s.note(id, ip, false)
		case err != nil:
			return entity.StoreErr(err, "iprange "+id+": check leases")
		}
	}
	return nil
}

// rangeExists fails with ErrNotFound when IP range id is gone, without
// decoding it.
func (s *Service) rangeExists(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("iprange %q: %w", id, ErrNotFound)
	}
	_, err := s.st.Get(ctx, record.BucketIPRange, id)
	return entity.StoreErr(err, "iprange "+id)
}

// pop takes the lowest candidate address of a range not in tried, with
// the range's settings; ok is false when the range has none, as far as the
// record and the lease names tell. A view that is not fresh is reloaded
// first; a fresh one only has the range's existence checked, without
// decoding the record (a range of thousands of addresses would cost as
// much per claim as the range is large).
func (s *Service) pop(ctx context.Context, id string, tried map[uint32]bool) (uint32, Lease, bool, error) {
	a := s.allocs.get(id)
	reloaded := false
	for {
		a.mu.Lock()
		if len(tried) > 0 {
			a.free = slices.DeleteFunc(a.free, func(ip uint32) bool { return tried[ip] })
		}
		if !reloaded && !s.fresh(a) {
			a.mu.Unlock()
			if err := s.reload(ctx, a, id, tried); err != nil {
				return 0, Lease{}, false, err
			}
			reloaded = true
			continue
		}
		l := a.lease
		if len(a.free) == 0 {
			a.mu.Unlock()
			return 0, l, false, nil
		}
		ip := a.free[0]
		a.free = a.free[1:]
		a.mu.Unlock()
		if !reloaded {
			if err := s.rangeExists(ctx, id); err != nil {
				s.putBack(id, ip)
				return 0, Lease{}, false, err
			}
		}
		return ip, l, true, nil
	}
}

// note records a change of the range's view and schedules its flush.
func (s *Service) note(id string, ip uint32, used bool) {
	a := s.allocs.get(id)
	a.mu.Lock()
	if used {
		delete(a.freed, ip)
		a.used[ip] = true
	} else {
		delete(a.used, ip)
		a.freed[ip] = true
		if a.loaded {
			i, found := slices.BinarySearch(a.free, ip)
			if !found {
				a.free = slices.Insert(a.free, i, ip)
			}
		}
	}
	start := !a.queued
	a.queued = true
	a.mu.Unlock()
	if start {
		go s.flushLoop(id, a)
	}
}

// putBack returns a candidate a claim did not use.
func (s *Service) putBack(id string, ip uint32) {
	a := s.allocs.get(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	if i, found := slices.BinarySearch(a.free, ip); !found {
		a.free = slices.Insert(a.free, i, ip)
	}
}
