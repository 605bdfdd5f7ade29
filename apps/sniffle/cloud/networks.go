package cloud

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/fifogo/fifo/internal/record"
)

// CreateNetwork creates a network (a named group of IP ranges).
func (s *Service) CreateNetwork(ctx context.Context, name string) (string, error) {
	return s.repo.CreateNamed(ctx, record.BucketNetwork, "network", name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewNetwork(st, record.Network{UUID: id, Name: name})
	})
}

// DeleteNetwork removes a network (its IP ranges stay).
func (s *Service) DeleteNetwork(ctx context.Context, id string) error {
	return s.deleteElement(ctx, Networks, id)
}

// AddNetworkIPRange adds an existing IP range to a network.
func (s *Service) AddNetworkIPRange(ctx context.Context, network, iprange string) error {
	if err := s.repo.Exists(ctx, record.BucketIPRange, iprange); err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketNetwork, network, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "ipranges", iprange)
	})
}

// RemoveNetworkIPRange removes an IP range from a network.
func (s *Service) RemoveNetworkIPRange(ctx context.Context, network, iprange string) error {
	return s.repo.Update(ctx, record.BucketNetwork, network, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return r.RemoveFromSet("ipranges", iprange)
	})
}

// AddResolver adds a DNS resolver (an IPv4 or IPv6 address) to a network.
func (s *Service) AddResolver(ctx context.Context, network, resolver string) error {
	if _, err := netip.ParseAddr(resolver); err != nil {
		return fmt.Errorf("resolver %q: %w", resolver, ErrInvalid)
	}
	return s.repo.Update(ctx, record.BucketNetwork, network, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "resolvers", resolver)
	})
}

// network loads a network's typed view.
func (s *Service) network(ctx context.Context, id string) (record.Network, error) {
	r, err := s.repo.Load(ctx, record.BucketNetwork, id)
	if err != nil {
		return record.Network{}, err
	}
	n, err := record.NetworkFromRecord(r)
	n.UUID = id
	return n, err
}
