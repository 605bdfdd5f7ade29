package cloud

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// ErrExhausted: an IP range has no free address (409).
var ErrExhausted = fmt.Errorf("no free address: %w", ErrConflict)

// IPRangeSpec is the body of POST /ipranges: addresses as dotted quads.
type IPRangeSpec struct {
	Name    string `json:"name"`
	Network string `json:"network"` // network address of the subnet
	Gateway string `json:"gateway"`
	Netmask string `json:"netmask"`
	First   string `json:"first"`
	Last    string `json:"last"`
	Tag     string `json:"tag"` // nic tag
	VLAN    int64  `json:"vlan,omitempty"`
}

// parsed is a spec's addresses as uint32.
type parsed struct{ network, gateway, netmask, first, last uint32 }

// ParseIPv4 returns a dotted quad as a uint32 (host order).
func ParseIPv4(s string) (uint32, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return 0, fmt.Errorf("ipv4 address %q: %w", s, ErrInvalid)
	}
	b := a.As4()
	return binary.BigEndian.Uint32(b[:]), nil
}

// FormatIPv4 returns a uint32 address as a dotted quad.
func FormatIPv4(ip uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], ip)
	return netip.AddrFrom4(b).String()
}

// validMask reports whether m is a contiguous netmask.
func validMask(m uint32) bool { return m != 0 && (^m)&(^m+1) == 0 }

// Validate checks a spec: addresses parse, the mask is contiguous, first ≤
// last, first, last and gateway lie in the network, the range has at most
// record.MaxIPRangeSize addresses, VLAN in 0..4094, tag set.
func (p IPRangeSpec) Validate() (parsed, error) {
	var v parsed
	for _, f := range []struct {
		s   string
		dst *uint32
	}{{p.Network, &v.network}, {p.Gateway, &v.gateway}, {p.Netmask, &v.netmask}, {p.First, &v.first}, {p.Last, &v.last}} {
		ip, err := ParseIPv4(f.s)
		if err != nil {
			return v, err
		}
		*f.dst = ip
	}
	in := func(ip uint32) bool { return ip&v.netmask == v.network&v.netmask }
	switch {
	case !validMask(v.netmask):
		return v, fmt.Errorf("netmask %s: not contiguous: %w", p.Netmask, ErrInvalid)
	case v.first > v.last:
		return v, fmt.Errorf("range %s..%s: first after last: %w", p.First, p.Last, ErrInvalid)
	case !in(v.first) || !in(v.last) || !in(v.gateway):
		return v, fmt.Errorf("range %s..%s gateway %s: outside %s/%s: %w", p.First, p.Last, p.Gateway, p.Network, p.Netmask, ErrInvalid)
	case v.last-v.first >= record.MaxIPRangeSize:
		return v, fmt.Errorf("range of %d addresses: at most %d: %w", uint64(v.last-v.first)+1, record.MaxIPRangeSize, ErrInvalid)
	case p.VLAN < 0 || p.VLAN > 4094:
		return v, fmt.Errorf("vlan %d: 0..4094: %w", p.VLAN, ErrInvalid)
	case p.Tag == "":
		return v, fmt.Errorf("nic tag required: %w", ErrInvalid)
	}
	return v, nil
}

// CreateIPRange creates an IP range with every address first..last free.
func (s *Service) CreateIPRange(ctx context.Context, p IPRangeSpec) (string, error) {
	v, err := p.Validate()
	if err != nil {
		return "", err
	}
	return s.repo.CreateNamed(ctx, record.BucketIPRange, "iprange", p.Name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewIPRange(st, record.IPRange{UUID: id, Name: p.Name, Network: v.network, Netmask: v.netmask,
			Gateway: v.gateway, Tag: p.Tag, VLAN: p.VLAN}, v.first, v.last)
	})
}

// DeleteIPRange removes an IP range; it must have no leased address.
func (s *Service) DeleteIPRange(ctx context.Context, id string) error {
	if _, err := s.flushRange(ctx, id, s.allocs.get(id)); err != nil {
		return err
	}
	r, err := s.iprange(ctx, id)
	if err != nil {
		return err
	}
	if len(r.Used) > 0 {
		return fmt.Errorf("iprange %s: %d addresses leased: %w", id, len(r.Used), ErrConflict)
	}
	if err := s.deleteElement(ctx, IPRanges, id); err != nil {
		return err
	}
	s.allocs.drop(id)
	return nil
}

// iprange loads an IP range's typed view.
func (s *Service) iprange(ctx context.Context, id string) (record.IPRange, error) {
	r, err := s.repo.Load(ctx, record.BucketIPRange, id)
	if err != nil {
		return record.IPRange{}, err
	}
	v, err := record.IPRangeFromRecord(r)
	v.UUID = id
	return v, err
}

// Lease is a claimed address with its range's settings (the JSON of PUT
// /ipranges/:id).
type Lease struct {
	IPRange string `json:"-"`
	IP      string `json:"ip"`
	Netmask string `json:"netmask"`
	Gateway string `json:"gateway"`
	Tag     string `json:"tag"`
	VLAN    int64  `json:"vlan"`
}

// leaseBucket holds one unique name per leased address: "<range>/<ip>" →
// holder. Unique names are the store's consistency island (on the ring,
// the owner of the name's partition decides), so an address is never
// leased twice, whatever the range record's free/used sets (a CRDT view
// that may lag) say.
const leaseBucket = "iplease"

func leaseKey(rangeID string, ip uint32) string { return rangeID + "/" + FormatIPv4(ip) }

// ReleaseIP frees a leased address. holder "" releases whoever holds it
// (DELETE /ipranges/:id/:ip); otherwise only holder's lease is released.
// Releasing a free address is a no-op.
func (s *Service) ReleaseIP(ctx context.Context, rangeID, ip, holder string) error {
	addr, err := ParseIPv4(ip)
	if err != nil {
		return err
	}
	if err := s.rangeExists(ctx, rangeID); err != nil {
		return err
	}
	key := leaseKey(rangeID, addr)
	if holder == "" {
		h, err := s.st.LookupName(ctx, leaseBucket, key)
		if errors.Is(err, recstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return entity.StoreErr(err, "release ip")
		}
		holder = h
	}
	if h, err := s.st.LookupName(ctx, leaseBucket, key); err == nil && h != holder {
		return fmt.Errorf("ip %s is leased to another holder: %w", ip, ErrConflict)
	}
	if err := s.st.ReleaseName(ctx, leaseBucket, key, holder); err != nil {
		return entity.StoreErr(err, "release ip")
	}
	s.note(rangeID, addr, false)
	return nil
}

// LeaseHolder returns who holds an address, or ErrNotFound.
func (s *Service) LeaseHolder(ctx context.Context, rangeID, ip string) (string, error) {
	addr, err := ParseIPv4(ip)
	if err != nil {
		return "", err
	}
	h, err := s.st.LookupName(ctx, leaseBucket, leaseKey(rangeID, addr))
	return h, entity.StoreErr(err, "ip "+ip)
}
