package record

import "fmt"

// BucketIPRange is the entity type and bucket of IP ranges.
const BucketIPRange = "iprange"

// MaxIPRangeSize bounds the addresses NewIPRange puts in a range's free set.
const MaxIPRangeSize = 1 << 16

// IPRange is the typed view of an IP range record (sniffle). Addresses are
// IPv4 as uint32 in host order.
type IPRange struct {
	UUID     string         `record:"uuid,lww"`
	Name     string         `record:"name,lww"`
	Network  uint32         `record:"network,lww"`
	Netmask  uint32         `record:"netmask,lww"`
	Gateway  uint32         `record:"gateway,lww"`
	Tag      string         `record:"tag,lww"` // nic tag
	VLAN     int64          `record:"vlan,lww"`
	Free     []uint32       `record:"free,set"`
	Used     []uint32       `record:"used,set"`
	Metadata map[string]any `record:"metadata,map"`
}

// NewIPRange returns a new IP range record holding the non-zero fields of v
// with every address from first to last added to the free set.
func NewIPRange(st Stamp, v IPRange, first, last uint32) (*Record, error) {
	if last < first || last-first >= MaxIPRangeSize {
		return nil, fmt.Errorf("record %s: range %d..%d: %w", BucketIPRange, first, last, ErrInvalid)
	}
	r, err := create(st, BucketIPRange, v)
	if err != nil {
		return nil, err
	}
	for ip := first; ; ip++ {
		if _, err := r.AddToSet(st, "free", ip); err != nil {
			return nil, err
		}
		if ip == last {
			return r, nil
		}
	}
}

// IPRangeFromRecord projects an IP range record onto its typed view.
func IPRangeFromRecord(r *Record) (IPRange, error) { return fromRecord[IPRange](r, BucketIPRange) }

// ClaimIP moves ip from the free set to the used set. It fails with
// ErrInvalid when ip is not free here. The sets alone cannot stop two
// replicas claiming one address concurrently: claims must go through the
// single owner of the address (the ring's consistency island).
func ClaimIP(r *Record, st Stamp, ip uint32) (*Record, error) {
	return moveIP(r, st, ip, "free", "used")
}

// ReleaseIP moves ip from the used set back to the free set, under the
// same rules as ClaimIP.
func ReleaseIP(r *Record, st Stamp, ip uint32) (*Record, error) {
	return moveIP(r, st, ip, "used", "free")
}

func moveIP(r *Record, st Stamp, ip uint32, from, to string) (*Record, error) {
	if err := r.expect(BucketIPRange); err != nil {
		return nil, err
	}
	b, err := r.encode(from, ip)
	if err != nil {
		return nil, err
	}
	if !r.setContains(from, string(b)) {
		return nil, fmt.Errorf("record %s: ip %d not in %s: %w", BucketIPRange, ip, from, ErrInvalid)
	}
	d, err := r.RemoveFromSet(from, ip)
	if err != nil {
		return nil, err
	}
	d2, err := r.AddToSet(st, to, ip)
	if err != nil {
		return nil, err
	}
	d.Fields.Merge(d2.Fields)
	return d, nil
}
