package identity

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// Creator grants (fifo.md §3.3 step 6): a VM's creator holds
// ["vms", VM, "..."] and ["channels", VM, "join"]. They are the user's
// own grants, but they are not kept on the user record: one user creating
// thousands of VMs would make it thousands of grants long, and every
// create would rewrite it (one record: one writer at a time). They live in
// creatorShards records per user instead, the VM's uuid choosing the
// shard, and every answer about the user's permissions (Allowed,
// UserAllowed, Effective, Get, Revoke, RevokePrefix) unites them with the
// user record's.

// bucketCreator holds the creator-grant shards, keyed creatorID(user,
// shard). Their records have a "permissions" set like a user's.
const bucketCreator = "creator_grants"

// creatorShards is how many records a user's creator grants are spread
// over. It is part of the stored layout: changing it orphans grants.
const creatorShards = 16

// creatorShard is the shard of a VM's creator grants: FNV-1a of the uuid.
func creatorShard(vm string) int {
	h := fnv.New32a()
	h.Write([]byte(vm))
	return int(h.Sum32() % creatorShards)
}

// creatorID is the record id of a user's shard.
func creatorID(user string, shard int) string { return fmt.Sprintf("%s:%02x", user, shard) }

// CreatorPermissions are the grants GrantCreator gives for vm.
func CreatorPermissions(vm string) []perm.Permission {
	return []perm.Permission{{"vms", vm, "..."}, {"channels", vm, "join"}}
}

// validCreatorVM checks a VM id for creator grants: a literal element, so
// that a grant can match only requests naming that VM.
func validCreatorVM(vm string) error {
	if err := (perm.Permission{"vms", vm}).Validate(); err != nil || vm == perm.Wildcard || vm == perm.Ellipsis {
		return fmt.Errorf("creator grant: vm %q: %w", vm, ErrInvalid)
	}
	return nil
}

// creatorShardOf is the shard that may hold a creator grant matching the
// request p, or -1 when none can: every creator grant has a literal VM as
// its second element and three elements (the last "..." matching one or
// more), so it matches only requests of at least three elements naming
// that VM second.
func creatorShardOf(p perm.Permission) int {
	if len(p) < 3 || (p[0] != "vms" && p[0] != "channels") {
		return -1
	}
	return creatorShard(p[1])
}

// creatorShardsOfPrefix lists the shards that may hold creator grants
// starting with prefix.
func creatorShardsOfPrefix(prefix perm.Permission) []int {
	switch {
	case len(prefix) == 0 || prefix[0] != "vms" && prefix[0] != "channels":
		return nil
	case len(prefix) == 1:
		all := make([]int, creatorShards)
		for k := range all {
			all[k] = k
		}
		return all
	}
	return []int{creatorShard(prefix[1])}
}

// GrantCreator gives user the creator grants of vm, in one write, before
// it returns (a create call answers only after it: fifo.md §5.1).
// RevokePrefix of ["vms", vm] and ["channels", vm] takes them back.
func (s *Service) GrantCreator(ctx context.Context, user, vm string) error {
	if err := validCreatorVM(vm); err != nil {
		return err
	}
	if err := s.repo.Exists(ctx, record.BucketUser, user); err != nil {
		return err
	}
	k := creatorShard(vm)
	err := s.repo.Upsert(ctx, bucketCreator, creatorID(user, k), func(r *record.Record, st record.Stamp) (*record.Record, error) {
		var out *record.Record
		for _, p := range CreatorPermissions(vm) {
			d, err := record.Grant(r, st, p)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = d
			} else if out, err = record.Merge(out, d); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	if err != nil {
		return fmt.Errorf("creator grant of vm %s to %s: %w", vm, user, err)
	}
	s.cache.dropCreator(user, k)
	return nil
}

// creatorGrants reads one shard of a user's creator grants (none when the
// shard has no record).
func (s *Service) creatorGrants(ctx context.Context, user string, shard int) ([]perm.Permission, error) {
	r, err := s.repo.Load(ctx, bucketCreator, creatorID(user, shard))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return grantsOf(r)
}

// grantsOf decodes the "permissions" set of a record.
func grantsOf(r *record.Record) ([]perm.Permission, error) {
	v, ok := r.Fields.GetKind("permissions", crdt.KindSet)
	if !ok {
		return nil, nil
	}
	elems := v.Set.Elements()
	out := make([]perm.Permission, 0, len(elems))
	for _, e := range elems {
		var p []string
		if err := crdt.DecMode().Unmarshal([]byte(e), &p); err != nil {
			return nil, fmt.Errorf("%s permissions: %w", r.Type, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// creatorSet is a shard of a user's creator grants as a set (see
// cachedSet).
func (s *Service) creatorSet(ctx context.Context, user string, shard int, reread bool) (*perm.Set, bool, error) {
	return s.cachedSet(permKey{kind: keyCreator, id: user, shard: shard}, reread, func() (*perm.Set, error) {
		ps, err := s.creatorGrants(ctx, user, shard)
		if err != nil {
			return nil, err
		}
		return perm.NewSet(ps...), nil
	})
}

// revokeCreator removes p from the creator grants of user (a no-op when
// they do not hold it).
func (s *Service) revokeCreator(ctx context.Context, user string, p perm.Permission) error {
	k := creatorShardOf(p)
	if k < 0 {
		return nil
	}
	_, err := s.revokeCreatorPrefix(ctx, user, k, p, false)
	return err
}

// revokeCreatorPrefix removes from shard k of user's creator grants every
// grant starting with prefix (prefixed) or equal to it, and returns them.
func (s *Service) revokeCreatorPrefix(ctx context.Context, user string, k int, prefix perm.Permission, prefixed bool) ([]perm.Permission, error) {
	var removed []perm.Permission
	err := s.repo.Update(ctx, bucketCreator, creatorID(user, k), func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		removed = nil
		ps, err := grantsOf(r)
		if err != nil {
			return nil, err
		}
		var out *record.Record
		for _, p := range ps {
			if prefixed && !p.HasPrefix(prefix) || !prefixed && !p.Equal(prefix) {
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
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("creator grants of %s: %w", user, err)
	}
	if len(removed) > 0 {
		s.cache.dropCreator(user, k)
	}
	return removed, nil
}

// dropCreatorGrants deletes every shard of a deleted user.
func (s *Service) dropCreatorGrants(ctx context.Context, user string) error {
	for k := range creatorShards {
		id := creatorID(user, k)
		if _, err := s.st.Get(ctx, bucketCreator, id); errors.Is(err, recstore.ErrNotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("creator grants of %s: %w", user, err)
		}
		if err := s.st.Delete(ctx, bucketCreator, id); err != nil {
			return fmt.Errorf("delete creator grants of %s: %w", user, err)
		}
	}
	return nil
}

// withCreatorGrants returns a user record as Get shows it: its own
// permissions set holds the user's creator grants too. The record is a
// view (the added grants have dots of no real write): never store it.
func (s *Service) withCreatorGrants(ctx context.Context, user string, r *record.Record) (*record.Record, error) {
	st := record.Stamp{Actor: s.opts.Actor + "/view"}
	for k := range creatorShards {
		ps, err := s.creatorGrants(ctx, user, k)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if _, err := record.Grant(r, st, p); err != nil {
				return nil, fmt.Errorf("user %s: %w", user, err)
			}
		}
	}
	return r, nil
}
