package cloud

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/fifogo/fifo/internal/record"
)

// HostReport is what an agent reports about its hypervisor (fifo.md §6.2).
type HostReport struct {
	UUID           string
	Alias          string
	Host           string
	Port           int64
	Version        string
	Architecture   string
	Networks       []string // nic tags
	Virtualisation []string
	Sysinfo        map[string]any
	Pools          map[string]any
	// Resources in MB: total-memory, free-memory, provisioned-memory,
	// reserved-memory.
	Resources map[string]int64
	Services  map[string]string
	LastSeen  int64 // Unix seconds
}

// RegisterHypervisor creates or refreshes a hypervisor from its agent's
// report. Fields the report leaves empty keep their value.
func (s *Service) RegisterHypervisor(ctx context.Context, h HostReport) error {
	if h.UUID == "" {
		return fmt.Errorf("hypervisor: no uuid: %w", ErrInvalid)
	}
	return s.repo.Upsert(ctx, record.BucketHypervisor, h.UUID, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		fields := []struct {
			name string
			v    any
			set  bool
		}{
			{"uuid", h.UUID, true},
			{"alias", h.Alias, h.Alias != ""},
			{"host", h.Host, h.Host != ""},
			{"port", h.Port, h.Port != 0},
			{"chunter_version", h.Version, h.Version != ""},
			{"architecture", h.Architecture, h.Architecture != ""},
			{"last_seen", h.LastSeen, h.LastSeen != 0},
			{"networks", h.Networks, h.Networks != nil},
			{"virtualisation", h.Virtualisation, h.Virtualisation != nil},
			{"sysinfo", h.Sysinfo, h.Sysinfo != nil},
		}
		for _, f := range fields {
			if !f.set {
				continue
			}
			if _, err := r.SetField(st, f.name, f.v); err != nil {
				return nil, fmt.Errorf("hypervisor %s: %w: %w", f.name, ErrInvalid, err)
			}
		}
		res := make(map[string]any, len(h.Resources))
		for k, v := range h.Resources {
			res[k] = v
		}
		svc := make(map[string]any, len(h.Services))
		for k, v := range h.Services {
			svc[k] = v
		}
		for name, m := range map[string]map[string]any{"pools": h.Pools, "resources": res, "services": svc} {
			if err := setMap(r, st, name, m); err != nil {
				return nil, err
			}
		}
		return r, nil
	})
}

// setMap writes every key of m into the map field name of r.
func setMap(r *record.Record, st record.Stamp, name string, m map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if _, err := r.SetMapEntry(st, name, []string{k}, m[k]); err != nil {
			return fmt.Errorf("hypervisor %s: %w: %w", name, ErrInvalid, err)
		}
	}
	return nil
}

// UnregisterHypervisor removes a hypervisor.
func (s *Service) UnregisterHypervisor(ctx context.Context, id string) error {
	return s.deleteElement(ctx, Hypervisors, id)
}

// Hypervisor loads a hypervisor's typed view.
func (s *Service) Hypervisor(ctx context.Context, id string) (record.Hypervisor, error) {
	r, err := s.repo.Load(ctx, record.BucketHypervisor, id)
	if err != nil {
		return record.Hypervisor{}, err
	}
	h, err := record.HypervisorFromRecord(r)
	h.UUID = id
	return h, err
}

// SetHypervisorAlias sets a hypervisor's alias (PUT /hypervisors/:id/config).
func (s *Service) SetHypervisorAlias(ctx context.Context, id, alias string) error {
	return s.repo.Update(ctx, record.BucketHypervisor, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.SetField(st, "alias", alias)
	})
}

// SetHypervisorPath sets a hypervisor's topology path (placement distance).
func (s *Service) SetHypervisorPath(ctx context.Context, id string, path []record.PathElem) error {
	for _, p := range path {
		if p.Name == "" || p.Cost < 0 {
			return fmt.Errorf("path element %+v: %w", p, ErrInvalid)
		}
	}
	return s.repo.Update(ctx, record.BucketHypervisor, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.SetField(st, "path", path)
	})
}

// SetCharacteristic writes value at path in a hypervisor's characteristics.
func (s *Service) SetCharacteristic(ctx context.Context, id string, path []string, value any) error {
	return s.repo.Update(ctx, record.BucketHypervisor, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if len(path) == 0 {
			return nil, fmt.Errorf("characteristic path: empty: %w", ErrInvalid)
		}
		return r.SetMapEntry(st, "characteristics", path, value)
	})
}

// DeleteCharacteristic removes path from a hypervisor's characteristics.
func (s *Service) DeleteCharacteristic(ctx context.Context, id string, path []string) error {
	return s.repo.Update(ctx, record.BucketHypervisor, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		if len(path) == 0 {
			return nil, fmt.Errorf("characteristic path: empty: %w", ErrInvalid)
		}
		return r.RemoveMapEntry("characteristics", path)
	})
}
