package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// A user's effective permissions (§3.3 step 4) are their own grants, their
// roles' and their creator grants (creator.go). Checks read the first two
// as one cached set (base) and, only for a request that a creator grant
// could match, the one cached shard of creator grants that could hold it;
// the whole set is put together only for Effective.
//
// Each control node caches sets for CacheTTL, and a write drops only the
// writing node's entries. So a check that the cached sets deny is made
// again from the store before it is answered no (recheck): a VM created
// through node A is allowed to its creator through node C at once. An
// allow may come from a set up to CacheTTL old: a revocation made through
// another node takes up to CacheTTL to show there.

// cachedSet returns the set cached under k, or reads it with read and
// caches it; with reread, the cached set is not used. cached tells
// whether the set came from the cache.
func (s *Service) cachedSet(k permKey, reread bool, read func() (*perm.Set, error)) (set *perm.Set, cached bool, err error) {
	now := s.opts.Now()
	set, g, ok := s.cache.permsOf(k, now)
	if ok && !reread {
		return set, true, nil
	}
	if set, err = read(); err != nil {
		return nil, false, err
	}
	s.cache.putPerms(k, g, set, now)
	return set, false, nil
}

// base returns the own ∪ roles' grants of a user (see cachedSet).
// Missing roles are skipped.
func (s *Service) base(ctx context.Context, user string, reread bool) (*perm.Set, bool, error) {
	return s.cachedSet(permKey{kind: keyBase, id: user}, reread, func() (*perm.Set, error) {
		var own [][]string
		var roles []string
		r, err := s.repo.Load(ctx, record.BucketUser, user)
		if err == nil {
			err = record.ReadField(r, "permissions", &own)
		}
		if err == nil {
			err = record.ReadField(r, "roles", &roles)
		}
		if err != nil {
			return nil, err
		}
		return s.withRoles(ctx, own, roles)
	})
}

// userAllows reports whether a user's effective permissions allow p,
// given the user's base set; cached tells whether a deny rests on a
// cached set.
func (s *Service) userAllows(ctx context.Context, user string, base *perm.Set, p perm.Permission, reread bool) (ok, cached bool, err error) {
	if base.Allowed(p) {
		return true, false, nil
	}
	k := creatorShardOf(p)
	if k < 0 {
		return false, false, nil
	}
	set, cached, err := s.creatorSet(ctx, user, k, reread)
	if err != nil {
		return false, false, err
	}
	return set.Allowed(p), cached, nil
}

// effective returns the whole effective set of a user, from cached parts
// (an allow and a deny alike may be up to CacheTTL old).
func (s *Service) effective(ctx context.Context, user string) (*perm.Set, error) {
	set, _, err := s.cachedSet(permKey{kind: keyAll, id: user}, false, func() (*perm.Set, error) {
		b, _, err := s.base(ctx, user, false)
		if err != nil {
			return nil, err
		}
		set := perm.NewSet(b.List()...)
		for k := range creatorShards {
			c, _, err := s.creatorSet(ctx, user, k, false)
			if err != nil {
				return nil, err
			}
			for _, p := range c.List() {
				set.Add(p)
			}
		}
		return set, nil
	})
	return set, err
}

// clientEffective is the effective set of a client acting for itself (see
// cachedSet).
func (s *Service) clientEffective(ctx context.Context, client string, reread bool) (*perm.Set, bool, error) {
	return s.cachedSet(permKey{kind: keyBase, id: client}, reread, func() (*perm.Set, error) {
		r, err := s.repo.Load(ctx, record.BucketClient, client)
		if err != nil {
			return nil, err
		}
		c, err := record.ClientFromRecord(r)
		if err != nil {
			return nil, fmt.Errorf("client %s: %w", client, err)
		}
		return s.withRoles(ctx, c.Permissions, c.Roles)
	})
}

func (s *Service) withRoles(ctx context.Context, own [][]string, roles []string) (*perm.Set, error) {
	set := perm.NewSet()
	for _, p := range own {
		set.Add(p)
	}
	for _, id := range roles {
		r, err := s.repo.Load(ctx, record.BucketRole, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		role, err := record.RoleFromRecord(r)
		if err != nil {
			return nil, fmt.Errorf("role %s: %w", id, err)
		}
		for _, p := range role.Permissions {
			set.Add(p)
		}
	}
	return set, nil
}

// Allowed implements API: perm.AuthorizeCheck against the session's
// scopes and the user's (or client's) effective permissions. A deny that
// rests on cached sets is checked again from the store.
func (s *Service) Allowed(ctx context.Context, sess Session, c perm.Check) (bool, error) {
	ok, cached, err := s.allowed(ctx, sess, c, false)
	if err != nil || ok || !cached {
		return ok, err
	}
	ok, _, err = s.allowed(ctx, sess, c, true)
	return ok, err
}

// allowed is one evaluation of Allowed; cached tells whether a deny rests
// on a cached set.
func (s *Service) allowed(ctx context.Context, sess Session, c perm.Check, reread bool) (ok, cached bool, err error) {
	if c == nil {
		return false, false, nil
	}
	var set *perm.Set
	switch {
	case sess.User != "":
		set, cached, err = s.base(ctx, sess.User, reread)
	case sess.Client != "":
		set, cached, err = s.clientEffective(ctx, sess.Client, reread)
	default:
		return false, false, nil
	}
	if errors.Is(err, ErrNotFound) {
		return false, false, nil // the user was deleted since the token was issued
	}
	if err != nil {
		return false, false, err
	}
	if sess.User == "" {
		return perm.AuthorizeCheck(sess.ScopePerms, set, c), cached, nil
	}
	baseCached := cached
	cached = false
	var ferr error
	ok = c.Eval(func(p perm.Permission) bool {
		if sess.ScopePerms != nil && !sess.ScopePerms.Allowed(p) {
			return false
		}
		ok, shardCached, err := s.userAllows(ctx, sess.User, set, p, reread)
		if err != nil && ferr == nil {
			ferr = err
		}
		if !ok && (baseCached || shardCached) {
			cached = true
		}
		return ok
	})
	if ferr != nil {
		return false, false, ferr
	}
	return ok, cached, nil
}

// UserAllowed implements API. A deny that rests on cached sets is checked
// again from the store.
func (s *Service) UserAllowed(ctx context.Context, user string, p perm.Permission) (bool, error) {
	set, baseCached, err := s.base(ctx, user, false)
	if err != nil {
		return false, err
	}
	ok, shardCached, err := s.userAllows(ctx, user, set, p, false)
	if err != nil || ok || !baseCached && !shardCached {
		return ok, err
	}
	if set, _, err = s.base(ctx, user, true); err != nil {
		return false, err
	}
	ok, _, err = s.userAllows(ctx, user, set, p, true)
	return ok, err
}

// Effective returns a user's effective permission set (own ∪ roles' ∪
// creator grants). The set is shared with the cache: do not change it.
// It is put together from every part, so a caller that needs no creator
// grant should take EffectiveBase.
func (s *Service) Effective(ctx context.Context, user string) (*perm.Set, error) {
	return s.effective(ctx, user)
}

// EffectiveBase returns a user's effective permissions without the
// creator grants of GrantCreator: it allows exactly what Effective allows
// for every permission p that creatorShardOf rules out (p has fewer than
// three elements, or its first is neither "vms" nor "channels"), such as
// ["hypervisors", uuid, "create"]. The set is shared with the cache: do
// not change it.
func (s *Service) EffectiveBase(ctx context.Context, user string) (*perm.Set, error) {
	set, _, err := s.base(ctx, user, false)
	return set, err
}
