package cloud

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/internal/record"
)

// Grouping types.
const (
	GroupingCluster = "cluster" // members never share a hypervisor
	GroupingStack   = "stack"   // clusters placed close to each other
	GroupingNone    = "none"
)

// CreateGrouping creates a grouping; an unknown type becomes "none".
func (s *Service) CreateGrouping(ctx context.Context, name, typ string) (string, error) {
	if typ != GroupingCluster && typ != GroupingStack {
		typ = GroupingNone
	}
	return s.repo.CreateNamed(ctx, record.BucketGrouping, "grouping", name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewGrouping(st, record.Grouping{UUID: id, Name: name, GroupingType: typ})
	})
}

// DeleteGrouping removes a grouping.
func (s *Service) DeleteGrouping(ctx context.Context, id string) error {
	return s.deleteElement(ctx, Groupings, id)
}

// Grouping loads a grouping's typed view.
func (s *Service) Grouping(ctx context.Context, id string) (record.Grouping, error) {
	r, err := s.repo.Load(ctx, record.BucketGrouping, id)
	if err != nil {
		return record.Grouping{}, err
	}
	g, err := record.GroupingFromRecord(r)
	g.UUID = id
	return g, err
}

// AddGroupingElement adds a member: a VM to a cluster, a cluster to a
// stack.
func (s *Service) AddGroupingElement(ctx context.Context, id, element string) error {
	g, err := s.Grouping(ctx, id)
	if err != nil {
		return err
	}
	switch g.GroupingType {
	case GroupingCluster:
		err = s.repo.Exists(ctx, record.BucketVM, element)
	case GroupingStack:
		var e record.Grouping
		if e, err = s.Grouping(ctx, element); err == nil && e.GroupingType != GroupingCluster {
			err = fmt.Errorf("stack members are clusters, %s is a %s: %w", element, e.GroupingType, ErrInvalid)
		}
	}
	if err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketGrouping, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "elements", element)
	})
}

// RemoveGroupingElement removes a member.
func (s *Service) RemoveGroupingElement(ctx context.Context, id, element string) error {
	return s.repo.Update(ctx, record.BucketGrouping, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return r.RemoveFromSet("elements", element)
	})
}

// AddGroupingParent records that grouping id belongs to grouping parent
// (PUT /groupings/:id/groupings/:g).
func (s *Service) AddGroupingParent(ctx context.Context, id, parent string) error {
	if err := s.repo.Exists(ctx, record.BucketGrouping, parent); err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketGrouping, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "groupings", parent)
	})
}

// RemoveGroupingParent undoes AddGroupingParent.
func (s *Service) RemoveGroupingParent(ctx context.Context, id, parent string) error {
	return s.repo.Update(ctx, record.BucketGrouping, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return r.RemoveFromSet("groupings", parent)
	})
}

// SetGroupingConfig writes value at path in a grouping's config.
func (s *Service) SetGroupingConfig(ctx context.Context, id string, path []string, value any) error {
	return s.repo.Update(ctx, record.BucketGrouping, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if len(path) == 0 {
			return nil, fmt.Errorf("config path: empty: %w", ErrInvalid)
		}
		return r.SetMapEntry(st, "config", path, value)
	})
}

// DeleteGroupingConfig removes path from a grouping's config.
func (s *Service) DeleteGroupingConfig(ctx context.Context, id string, path []string) error {
	return s.repo.Update(ctx, record.BucketGrouping, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		if len(path) == 0 {
			return nil, fmt.Errorf("config path: empty: %w", ErrInvalid)
		}
		return r.RemoveMapEntry("config", path)
	})
}
