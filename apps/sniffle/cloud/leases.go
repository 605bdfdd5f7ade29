package cloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// An IP range's record keeps its addresses in free and used sets, FiFo's
// view of the range. A lease is decided by a unique name (leaseBucket);
// rewriting a range of thousands of addresses for every lease would make
// each claim cost as much as the range is large, and serialise claims on
// the record. So each range has an allocator in memory: the addresses
// believed free, read from the record once, handed out one per claim, and
// the changes to the record's view not yet written, which a flush writes
// in one update for many leases.

// allocator is one IP range's in-memory state.
type allocator struct {
	mu     sync.Mutex
	loaded bool
	tag    string
	lease  Lease    // the range's settings (IP empty), fixed at its creation
	free   []uint32 // candidates, ascending
	used   map[uint32]bool
	freed  map[uint32]bool
	queued bool // a background flush is scheduled

	flushMu sync.Mutex // one flush at a time
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

// load reads the range's record into a (a.mu held) the first time, and
// afterwards only checks that the range still exists: its settings never
// change, and decoding a range of thousands of addresses for each claim
// would cost as much as the range is large.
func (s *Service) load(ctx context.Context, a *allocator, id string) error {
	if a.loaded {
		return s.rangeExists(ctx, id)
	}
	r, err := s.iprange(ctx, id)
	if err != nil {
		return err
	}
	a.free = slices.Clone(r.Free)
	slices.Sort(a.free)
	a.free = slices.DeleteFunc(a.free, func(ip uint32) bool { return a.used[ip] })
	a.tag = r.Tag
	a.lease = Lease{IPRange: id, Netmask: FormatIPv4(r.Netmask), Gateway: FormatIPv4(r.Gateway), Tag: r.Tag, VLAN: r.VLAN}
	a.loaded = true
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

// pop takes the lowest candidate address of a range, with the range's
// settings.
func (s *Service) pop(ctx context.Context, id string) (uint32, Lease, bool, error) {
	a := s.allocs.get(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := s.load(ctx, a, id); err != nil {
		return 0, Lease{}, false, err
	}
	if len(a.free) == 0 {
		return 0, a.lease, false, nil
	}
	ip := a.free[0]
	a.free = a.free[1:]
	return ip, a.lease, true, nil
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

// flushLoop writes a range's pending view changes until there are none.
func (s *Service) flushLoop(id string, a *allocator) {
	ctx := context.Background()
	for {
		n, err := s.flushRange(ctx, id, a)
		if err != nil {
			s.opts.Logger.Warn("ip range view not written", "iprange", id, "err", err)
		}
		a.mu.Lock()
		if err != nil || (n == 0 && len(a.used) == 0 && len(a.freed) == 0) {
			a.queued = false
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
	}
}

// flushRange writes a's pending changes to the range's record in one
// update and returns how many it wrote.
func (s *Service) flushRange(ctx context.Context, id string, a *allocator) (int, error) {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	used, freed := a.used, a.freed
	a.used, a.freed = map[uint32]bool{}, map[uint32]bool{}
	a.mu.Unlock()
	if len(used)+len(freed) == 0 {
		return 0, nil
	}
	err := s.repo.Update(ctx, record.BucketIPRange, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		for ip := range used {
			if _, err := record.ClaimIP(r, st, ip); err != nil && !errors.Is(err, record.ErrInvalid) {
				return nil, err
			}
		}
		for ip := range freed {
			if _, err := record.ReleaseIP(r, st, ip); err != nil && !errors.Is(err, record.ErrInvalid) {
				return nil, err
			}
		}
		return r, nil
	})
	if errors.Is(err, ErrNotFound) {
		return len(used) + len(freed), nil // the range is gone
	}
	if err != nil {
		a.mu.Lock() // keep them for the next flush
		for ip := range used {
			if !a.freed[ip] {
				a.used[ip] = true
			}
		}
		for ip := range freed {
			if !a.used[ip] {
				a.freed[ip] = true
			}
		}
		a.mu.Unlock()
		return 0, err
	}
	return len(used) + len(freed), nil
}

// FlushIPViews writes every range's pending view changes now, so the
// ranges' free and used sets show every lease made so far.
func (s *Service) FlushIPViews(ctx context.Context) error {
	var errs []error
	for _, id := range s.allocs.ids() {
		if _, err := s.flushRange(ctx, id, s.allocs.get(id)); err != nil {
			errs = append(errs, fmt.Errorf("iprange %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// ClaimIP leases the lowest free address of an IP range to holder (a VM
// uuid, or any label for a manual claim).
func (s *Service) ClaimIP(ctx context.Context, rangeID, holder string) (Lease, error) {
	if holder == "" {
		return Lease{}, fmt.Errorf("claim: no holder: %w", ErrInvalid)
	}
	for {
		ip, l, ok, err := s.pop(ctx, rangeID)
		if err != nil {
			return Lease{}, err
		}
		if !ok {
			return Lease{}, fmt.Errorf("iprange %s: %w", rangeID, ErrExhausted)
		}
		err = s.st.ClaimName(ctx, leaseBucket, leaseKey(rangeID, ip), holder)
		if errors.Is(err, recstore.ErrNameTaken) {
			// Leased meanwhile (here or on another node): fix the view, go on.
			s.note(rangeID, ip, true)
			continue
		}
		if err != nil {
			s.putBack(rangeID, ip)
			return Lease{}, entity.StoreErr(err, "claim ip")
		}
		s.note(rangeID, ip, true)
		l.IP = FormatIPv4(ip)
		return l, nil
	}
}

// RangeInfo is an IP range's nic tag and whether it may have a free
// address (as far as this node knows).
type RangeInfo struct {
	UUID    string
	Tag     string
	HasFree bool
}

// RangeInfo describes an IP range from its allocator, reading the record
// only the first time.
func (s *Service) RangeInfo(ctx context.Context, id string) (RangeInfo, error) {
	a := s.allocs.get(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.loaded {
		if err := s.load(ctx, a, id); err != nil {
			return RangeInfo{}, err
		}
	}
	return RangeInfo{UUID: id, Tag: a.tag, HasFree: len(a.free) > 0}, nil
}

// NetworkRanges describes the IP ranges of a network, by uuid; ranges
// that no longer exist are left out.
func (s *Service) NetworkRanges(ctx context.Context, network string) ([]RangeInfo, error) {
	n, err := s.network(ctx, network)
	if err != nil {
		return nil, err
	}
	ids := slices.Sorted(slices.Values(n.IPRanges))
	out := make([]RangeInfo, 0, len(ids))
	for _, id := range ids {
		ri, err := s.RangeInfo(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ri)
	}
	return out, nil
}
