package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// The calls below serve other applications (sniffle's VM flows) rather
// than the REST edge.

// userField reads one field of a user (a user may hold thousands of
// grants; reading one field skips decoding them).
func (s *Service) userField(ctx context.Context, user, field string, dst any) error {
	r, err := s.repo.Load(ctx, record.BucketUser, user)
	if err != nil {
		return err
	}
	return record.ReadField(r, field, dst)
}

// ActiveOrg returns a user's active org ("" when none).
func (s *Service) ActiveOrg(ctx context.Context, user string) (string, error) {
	var org string
	err := s.userField(ctx, user, "active_org", &org)
	return org, err
}

// SSHKeys returns a user's public keys (authorized_keys lines).
func (s *Service) SSHKeys(ctx context.Context, user string) ([]string, error) {
	var keys []record.SSHKey
	if err := s.userField(ctx, user, "ssh_keys", &keys); err != nil {
		return nil, err
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Key
	}
	return out, nil
}

// OrgResources returns an org's resource counters.
func (s *Service) OrgResources(ctx context.Context, org string) (map[string]int64, error) {
	r, err := s.repo.Load(ctx, record.BucketOrg, org)
	if err != nil {
		return nil, err
	}
	o, err := record.OrgFromRecord(r)
	if err != nil {
		return nil, fmt.Errorf("org %s: %w", org, err)
	}
	return o.Resources, nil
}

// RevokePrefix removes every permission starting with prefix from every
// user (creator grants included), role and client (a deleted VM's ["vms",
// uuid] and ["channels", uuid]); it returns how many grants it removed (a
// grant a user held both ways counts once).
func (s *Service) RevokePrefix(ctx context.Context, prefix perm.Permission) (int, error) {
	if len(prefix) == 0 {
		return 0, fmt.Errorf("revoke prefix: empty: %w", ErrInvalid)
	}
	defer s.cache.dropPerms("")
	n := 0
	for _, k := range []Kind{Users, Roles, Clients} {
		b, _ := bucket(k)
		ids, err := s.repo.List(ctx, b)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			removed, err := s.revokePrefixFrom(ctx, b, id, prefix)
			if err != nil {
				return n, err
			}
			if k == Users {
				for _, shard := range creatorShardsOfPrefix(prefix) {
					more, err := s.revokeCreatorPrefix(ctx, id, shard, prefix, true)
					if err != nil {
						return n, err
					}
					for _, p := range more {
						if !slices.ContainsFunc(removed, p.Equal) {
							removed = append(removed, p)
						}
					}
				}
			}
			n += len(removed)
		}
	}
	return n, nil
}

// revokePrefixFrom removes the permissions starting with prefix from the
// user, role or client bucket/id and returns them (none when it is gone).
func (s *Service) revokePrefixFrom(ctx context.Context, b, id string, prefix perm.Permission) ([]perm.Permission, error) {
	var removed []perm.Permission
	err := s.repo.Update(ctx, b, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		removed = nil
		ps, err := permissionsOf(r)
		if err != nil {
			return nil, err
		}
		var out *record.Record
		for _, p := range ps {
			if !perm.Permission(p).HasPrefix(prefix) {
				continue
			}
			d, err := record.Revoke(r, p)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = d
			} else if out, err = record.Merge(out, d); err != nil {
				return nil, err
			}
			removed = append(removed, p)
		}
		return out, nil
	})
	if errors.Is(err, ErrNotFound) { // deleted meanwhile
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// permissionsOf reads the permissions of a user, role or client record.
func permissionsOf(r *record.Record) ([][]string, error) {
	switch r.Type {
	case record.BucketUser:
		u, err := record.UserFromRecord(r)
		return u.Permissions, err
	case record.BucketRole:
		v, err := record.RoleFromRecord(r)
		return v.Permissions, err
	case record.BucketClient:
		c, err := record.ClientFromRecord(r)
		return c.Permissions, err
	}
	return nil, fmt.Errorf("%s records hold no permissions: %w", r.Type, ErrInvalid)
}
