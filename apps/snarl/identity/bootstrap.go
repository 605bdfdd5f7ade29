package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/recstore"
)

// Names Bootstrap gives the first org, role and user.
const (
	AdminUser = "admin"
	AdminRole = "admin"
	AdminOrg  = "default"
)

// realmBucket marks initialised realms (name = realm, id = marker).
const realmBucket = "realm"

// DefaultRealm is the only realm so far.
const DefaultRealm = "default"

// Initialized reports whether Bootstrap completed on this store.
func (s *Service) Initialized(ctx context.Context) (bool, error) {
	_, err := s.st.LookupName(ctx, realmBucket, DefaultRealm)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, recstore.ErrNotFound):
		return false, nil
	}
	return false, entity.StoreErr(err, "realm")
}

// Bootstrap initialises an empty realm like snarl-admin init: org
// "default", role "admin" with the default role's permissions, and user
// "admin" with ["..."], member of both (the org active). It is idempotent:
// an interrupted run is completed, a completed one does nothing and
// reports false.
func (s *Service) Bootstrap(ctx context.Context, adminPassword string) (bool, error) {
	done, err := s.Initialized(ctx)
	if err != nil || done {
		return false, err
	}
	org, err := s.getOrCreate(ctx, Orgs, AdminOrg, s.CreateOrg)
	if err != nil {
		return false, err
	}
	role, err := s.getOrCreate(ctx, Roles, AdminRole, s.CreateRole)
	if err != nil {
		return false, err
	}
	for _, p := range DefaultRolePermissions(role) {
		if err := s.Grant(ctx, Roles, role, p); err != nil {
			return false, err
		}
	}
	user, err := s.getOrCreate(ctx, Users, AdminUser, func(ctx context.Context, name string) (string, error) {
		return s.CreateUser(ctx, Session{}, name, adminPassword)
	})
	if err != nil {
		return false, err
	}
	steps := []func() error{
		func() error { return s.Grant(ctx, Users, user, perm.Permission{"..."}) },
		func() error { return s.Grant(ctx, Users, user, perm.Permission{"orgs", org, "_"}) },
		func() error { return s.JoinRole(ctx, user, role) },
		func() error { return s.JoinOrg(ctx, user, org, true) },
		func() error {
			return entity.StoreErr(s.st.ClaimName(ctx, realmBucket, DefaultRealm, "initialized"), "realm")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return false, fmt.Errorf("bootstrap: %w", err)
		}
	}
	return true, nil
}

// getOrCreate finds k named name or creates it.
func (s *Service) getOrCreate(ctx context.Context, k Kind, name string, create func(context.Context, string) (string, error)) (string, error) {
	b, err := bucket(k)
	if err != nil {
		return "", err
	}
	id, err := s.st.LookupName(ctx, b, name)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, recstore.ErrNotFound) {
		return "", fmt.Errorf("bootstrap %s %q: %w", k, name, err)
	}
	id, err = create(ctx, name)
	if err != nil {
		return "", fmt.Errorf("bootstrap %s %q: %w", k, name, err)
	}
	return id, nil
}

// DefaultRolePermissions are the grants of the role snarl-admin init
// creates (fifo.md §3.3).
func DefaultRolePermissions(role string) []perm.Permission {
	ps := []perm.Permission{{"cloud", "cloud", "status"}}
	for _, c := range []string{"datasets", "networks", "ipranges", "packages", "roles", "orgs", "users", "vms", "hypervisors"} {
		ps = append(ps, perm.Permission{"cloud", c, "list"})
	}
	return append(ps,
		perm.Permission{"cloud", "vms", "create"},
		perm.Permission{"hypervisors", "_", "create"},
		perm.Permission{"datasets", "_", "create"},
		perm.Permission{"datasets", "_", "get"},
		perm.Permission{"packages", "_", "get"},
		perm.Permission{"roles", role, "get"},
	)
}
