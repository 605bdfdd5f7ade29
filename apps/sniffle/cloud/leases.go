package cloud

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/recstore"
)

// ClaimIP leases the lowest free address of an IP range to holder (a VM
// uuid, or any label for a manual claim).
func (s *Service) ClaimIP(ctx context.Context, rangeID, holder string) (Lease, error) {
	if holder == "" {
		return Lease{}, fmt.Errorf("claim: no holder: %w", ErrInvalid)
	}
	tried := map[uint32]bool{}
	// Addresses whose partition's owner cannot be reached (a network
	// partition) are skipped for this claim: another address may be owned
	// on this side. They go back to the free list when the claim ends.
	var unreachable []uint32
	defer func() {
		for _, ip := range unreachable {
			s.putBack(rangeID, ip)
		}
	}()
	var lastUnavailable error
	for {
		ip, l, ok, err := s.pop(ctx, rangeID, tried)
		if err != nil {
			return Lease{}, err
		}
		if !ok {
			if lastUnavailable != nil {
				return Lease{}, entity.StoreErr(lastUnavailable, fmt.Sprintf("claim ip in %s (%d addresses unreachable)", rangeID, len(unreachable)))
			}
			return Lease{}, fmt.Errorf("iprange %s: %w", rangeID, ErrExhausted)
		}
		err = s.st.ClaimName(ctx, leaseBucket, leaseKey(rangeID, ip), holder)
		if errors.Is(err, recstore.ErrNameTaken) {
			// Leased meanwhile (here or on another node): go on. The
			// lessee's node writes the view; writing "used" from here
			// could land after its release and hide a free address.
			tried[ip] = true
			continue
		}
		if errors.Is(err, recstore.ErrUnavailable) && len(unreachable) < maxUnreachableTries {
			tried[ip] = true
			unreachable = append(unreachable, ip)
			lastUnavailable = err
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

// maxUnreachableTries bounds the addresses one claim skips because their
// partition's owner is unreachable before it reports the store
// unavailable.
const maxUnreachableTries = 32

// RangeInfo is an IP range's nic tag and whether it may have a free
// address (as far as this node knows).
type RangeInfo struct {
	UUID    string
	Tag     string
	HasFree bool
}

// RangeInfo describes an IP range from its allocator, reading the record
// only when the allocator's view is not fresh (see pop), so a range
// that looks exhausted here is re-read before it is called so.
func (s *Service) RangeInfo(ctx context.Context, id string) (RangeInfo, error) {
	a := s.allocs.get(id)
	a.mu.Lock()
	ok := s.fresh(a)
	a.mu.Unlock()
	if !ok {
		if err := s.reload(ctx, a, id, nil); err != nil {
			return RangeInfo{}, err
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
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
