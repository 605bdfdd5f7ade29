package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// effective returns the permission set of a user: their own grants and
// every role's (§3.3 step 4). Missing roles are skipped.
func (s *Service) effective(ctx context.Context, user string) (*perm.Set, error) {
	now := s.opts.Now()
	if set, ok := s.cache.permsOf(user, now); ok {
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
	set, err := s.withRoles(ctx, own, roles)
	if err != nil {
		return nil, err
	}
	s.cache.putPerms(user, set, now)
	return set, nil
}

// clientEffective is effective for a client acting for itself.
func (s *Service) clientEffective(ctx context.Context, client string) (*perm.Set, error) {
	now := s.opts.Now()
	if set, ok := s.cache.permsOf(client, now); ok {
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
	set, err := s.withRoles(ctx, c.Permissions, c.Roles)
	if err != nil {
		return nil, err
	}
	s.cache.putPerms(client, set, now)
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

// Allowed implements API.
func (s *Service) Allowed(ctx context.Context, sess Session, c perm.Check) (bool, error) {
	var (
		set *perm.Set
		err error
	)
	switch {
	case sess.User != "":
		set, err = s.effective(ctx, sess.User)
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
	return perm.AuthorizeCheck(sess.ScopePerms, set, c), nil
}

// UserAllowed implements API.
func (s *Service) UserAllowed(ctx context.Context, user string, p perm.Permission) (bool, error) {
	set, err := s.effective(ctx, user)
	if err != nil {
		return false, err
	}
	return set.Allowed(p), nil
}

// Effective returns a user's effective permission set (own ∪ roles').
// The set is shared with the cache: do not change it.
func (s *Service) Effective(ctx context.Context, user string) (*perm.Set, error) {
	return s.effective(ctx, user)
}
