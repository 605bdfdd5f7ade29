package identity

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// CreateRole implements API.
func (s *Service) CreateRole(ctx context.Context, name string) (string, error) {
	return s.repo.CreateNamed(ctx, record.BucketRole, "role", name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewRole(st, record.Role{UUID: id, Name: name})
	})
}

// CreateOrg implements API.
func (s *Service) CreateOrg(ctx context.Context, name string) (string, error) {
	return s.repo.CreateNamed(ctx, record.BucketOrg, "org", name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewOrg(st, record.Org{UUID: id, Name: name})
	})
}

// Trigger actions.
const (
	ActionRoleGrant = "role_grant"
	ActionUserGrant = "user_grant"
	ActionJoinRole  = "join_role"
	ActionJoinOrg   = "join_org"
)

// validTrigger checks a trigger and returns the permission it stores:
// [Base, "$", Permission...] for grants, nil otherwise.
func validTrigger(t OrgTrigger) ([]string, error) {
	switch t.Event {
	case EventUserCreate, EventVMCreate, EventDatasetCreate, EventGroupingCreate:
	default:
		return nil, fmt.Errorf("trigger event %q: %w", t.Event, ErrInvalid)
	}
	if t.Target == "" {
		return nil, fmt.Errorf("trigger: no target: %w", ErrInvalid)
	}
	switch t.Action {
	case ActionRoleGrant, ActionUserGrant:
		if t.Base == "" {
			return nil, fmt.Errorf("trigger %s: no base: %w", t.Action, ErrInvalid)
		}
		p := append([]string{t.Base, "$"}, t.Permission...)
		if err := perm.Permission(p).Validate(); err != nil {
			return nil, fmt.Errorf("trigger permission: %w: %w", ErrInvalid, err)
		}
		return p, nil
	case ActionJoinRole, ActionJoinOrg:
		return nil, nil
	}
	return nil, fmt.Errorf("trigger action %q: %w", t.Action, ErrInvalid)
}

// AddTrigger implements API.
func (s *Service) AddTrigger(ctx context.Context, org string, t OrgTrigger) (string, error) {
	p, err := validTrigger(t)
	if err != nil {
		return "", err
	}
	id, err := s.repo.NewID()
	if err != nil {
		return "", err
	}
	err = s.repo.Update(ctx, record.BucketOrg, org, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return record.AddOrgTrigger(r, st, id, record.Trigger{Event: t.Event, Action: t.Action, Target: t.Target, Permission: p})
	})
	return id, err
}

// DeleteTrigger implements API.
func (s *Service) DeleteTrigger(ctx context.Context, org, triggerID string) error {
	return s.repo.Update(ctx, record.BucketOrg, org, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		o, err := record.OrgFromRecord(r)
		if err != nil {
			return nil, err
		}
		if _, ok := o.Triggers[triggerID]; !ok {
			return nil, fmt.Errorf("trigger %s: %w", triggerID, ErrNotFound)
		}
		return r.RemoveMapEntry("triggers", []string{triggerID})
	})
}

// Triggers returns an org's triggers by id, in FiFo's JSON shape.
func Triggers(o record.Org) map[string]OrgTrigger {
	out := make(map[string]OrgTrigger, len(o.Triggers))
	for id, v := range o.Triggers {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		t := OrgTrigger{}
		t.Event, _ = m["trigger"].(string)
		t.Action, _ = m["action"].(string)
		t.Target, _ = m["target"].(string)
		if ps, ok := m["permission"].([]any); ok {
			for _, p := range ps {
				if e, ok := p.(string); ok {
					t.Permission = append(t.Permission, e)
				}
			}
		}
		out[id] = t
	}
	return out
}

// RunTriggers implements API: every trigger of org for event is applied
// to element (the new user, VM, dataset or grouping); "$" in a stored
// permission becomes element.
func (s *Service) RunTriggers(ctx context.Context, org, event, element string) error {
	r, err := s.repo.Load(ctx, record.BucketOrg, org)
	if err != nil {
		return err
	}
	o, err := record.OrgFromRecord(r)
	if err != nil {
		return fmt.Errorf("org %s: %w", org, err)
	}
	ts := Triggers(o)
	ids := make([]string, 0, len(ts))
	for id := range ts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		t := ts[id]
		if t.Event != event {
			continue
		}
		p := make(perm.Permission, len(t.Permission))
		for i, e := range t.Permission {
			if e == "$" {
				e = element
			}
			p[i] = e
		}
		switch t.Action {
		case ActionRoleGrant:
			err = s.Grant(ctx, Roles, t.Target, p)
		case ActionUserGrant:
			err = s.Grant(ctx, Users, t.Target, p)
		case ActionJoinRole:
			err = s.JoinRole(ctx, element, t.Target)
		case ActionJoinOrg:
			err = s.JoinOrg(ctx, element, t.Target, false)
		}
		if err != nil {
			return fmt.Errorf("org %s trigger %s (%s %s): %w", org, id, t.Action, t.Target, err)
		}
	}
	return nil
}

// ChangeResource implements API.
func (s *Service) ChangeResource(ctx context.Context, org, resource string, delta int64) error {
	if resource == "" || delta == 0 {
		return fmt.Errorf("resource %q by %d: %w", resource, delta, ErrInvalid)
	}
	return s.repo.Update(ctx, record.BucketOrg, org, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if delta > 0 {
			return r.Inc(st, "resources", resource, uint64(delta))
		}
		return r.Dec(st, "resources", resource, uint64(-delta))
	})
}

// AddAccounting appends an entry to an org's accounting log (sniffle
// records VM and dataset life cycles there).
func (s *Service) AddAccounting(ctx context.Context, org string, e AccountingEntry) error {
	if err := s.exists(ctx, Orgs, org); err != nil {
		return err
	}
	switch e.Action {
	case "create", "update", "destroy":
	default:
		return fmt.Errorf("accounting action %q: %w", e.Action, ErrInvalid)
	}
	return s.repo.Upsert(ctx, record.BucketAccounting, org, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if _, err := r.SetField(st, "org", org); err != nil {
			return nil, err
		}
		// The mutators change r in place: r holds the entry too.
		if _, err := record.AddAccounting(r, st, record.AccountingEntry{Timestamp: e.Timestamp, Action: e.Action, Resource: e.Resource, Metadata: e.Metadata}); err != nil {
			return nil, fmt.Errorf("accounting: %w: %w", ErrInvalid, err)
		}
		return r, nil
	})
}

// Accounting implements API: the entries with start ≤ timestamp ≤ end
// (µs), oldest first; end 0 means no upper bound.
func (s *Service) Accounting(ctx context.Context, org string, start, end int64) ([]AccountingEntry, error) {
	if err := s.exists(ctx, Orgs, org); err != nil {
		return nil, err
	}
	r, err := s.repo.Load(ctx, record.BucketAccounting, org)
	if err != nil {
		return []AccountingEntry{}, nil
	}
	a, err := record.AccountingFromRecord(r)
	if err != nil {
		return nil, fmt.Errorf("accounting %s: %w", org, err)
	}
	out := []AccountingEntry{}
	for _, e := range a.Entries {
		if e.Timestamp < start || (end != 0 && e.Timestamp > end) {
			continue
		}
		out = append(out, AccountingEntry{Timestamp: e.Timestamp, Action: e.Action, Resource: e.Resource, Metadata: e.Metadata})
	}
	slices.SortStableFunc(out, func(a, b AccountingEntry) int { return cmp.Compare(a.Timestamp, b.Timestamp) })
	return out, nil
}
