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

// base returns the own ∪ roles' grants of a user. Missing roles are
// skipped.
func (s *Service) base(ctx context.Context, user string) (*perm.Set, error) {
	now := s.opts.Now()
	key := permKey{kind: keyBase, id: user}
	set, g, ok := s.cache.permsOf(key, now)
	if ok {
		return set, nil
	}
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
	if set, err = s.withRoles(ctx, own, roles); err != nil {
		return nil, err
	}
	s.cache.putPerms(key, g, set, now)
	return set, nil
}

// userAllows reports whether a user's effective permissions allow p,
// given the user's base set.
func (s *Service) userAllows(ctx context.Context, user string, base *perm.Set, p perm.Permission) (bool, error) {
	if base.Allowed(p) {
		return true, nil
	}
	k := creatorShardOf(p)
	if k < 0 {
		return false, nil
	}
	set, err := s.creatorSet(ctx, user, k)
	if err != nil {
		return false, err
	}
	return set.Allowed(p), nil
}

// effective returns the whole effective set of a user.
func (s *Service) effective(ctx context.Context, user string) (*perm.Set, error) {
	now := s.opts.Now()
	key := permKey{kind: keyAll, id: user}
	set, g, ok := s.cache.permsOf(key, now)
	if ok {
		return set, nil
	}
	b, err := s.base(ctx, user)
	if err != nil {
		return nil, err
	}
	set = perm.NewSet(b.List()...)
	for k := range creatorShards {
		c, err := s.creatorSet(ctx, user, k)
		if err != nil {
			return nil, err
		}
		for _, p := range c.List() {
			set.Add(p)
		}
	}
	s.cache.putPerms(key, g, set, now)
	return set, nil
}

// clientEffective is the effective set of a client acting for itself.
func (s *Service) clientEffective(ctx context.Context, client string) (*perm.Set, error) {
	now := s.opts.Now()
	key := permKey{kind: keyBase, id: client}
	set, g, ok := s.cache.permsOf(key, now)
	if ok {
		return set, nil
	}
	r, err := s.repo.Load(ctx, record.BucketClient, client)
	if err != nil {
		return nil, err
	}
	c, err := record.ClientFromRecord(r)
	if err != nil {
		return nil, fmt.Errorf("client %s: %w", client, err)
	}
	if set, err = s.withRoles(ctx, c.Permissions, c.Roles); err != nil {
		return nil, err
	}
	s.cache.putPerms(key, g, set, now)
	return set, nil
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
// scopes and the user's (or client's) effective permissions.
func (s *Service) Allowed(ctx context.Context, sess Session, c perm.Check) (bool, error) {
	if c == nil {
		return false, nil
	}
	var (
		set *perm.Set
		err error
	)
	switch {
	case sess.User != "":
		set, err = s.base(ctx, sess.User)
	case sess.Client != "":
		set, err = s.clientEffective(ctx, sess.Client)
	default:
		return false, nil
	}
	if errors.Is(err, ErrNotFound) {
		return false, nil // the user was deleted since the token was issued
	}
	if err != nil {
		return false, err
	}
	if sess.User == "" {
		return perm.AuthorizeCheck(sess.ScopePerms, set, c), nil
	}
	var ferr error
	ok := c.Eval(func(p perm.Permission) bool {
		if sess.ScopePerms != nil && !sess.ScopePerms.Allowed(p) {
			return false
		}
		ok, err := s.userAllows(ctx, sess.User, set, p)
		if err != nil && ferr == nil {
			ferr = err
		}
		return ok
	})
	if ferr != nil {
		return false, ferr
	}
	return ok, nil
}

// UserAllowed implements API.
func (s *Service) UserAllowed(ctx context.Context, user string, p perm.Permission) (bool, error) {
	set, err := s.base(ctx, user)
	if err != nil {
		return false, err
	}
	return s.userAllows(ctx, user, set, p)
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
	return s.base(ctx, user)
}
