package identity

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// Delete implements API. Deleting a role or org also removes it from
// every user; deleting a user revokes their API keys and frees their SSH
// keys.
func (s *Service) Delete(ctx context.Context, k Kind, id string) error {
	b, err := bucket(k)
	if err != nil {
		return err
	}
	r, err := s.repo.Load(ctx, b, id)
	if err != nil {
		return err
	}
	switch k {
	case Users:
		err = s.forgetUser(ctx, r, id)
	case Roles:
		err = s.eachUser(ctx, func(u record.User) error {
			if !contains(u.Roles, id) {
				return nil
			}
			return s.LeaveRole(ctx, u.UUID, id)
		})
		s.cache.dropPerms("")
	case Orgs:
		err = s.eachUser(ctx, func(u record.User) error {
			if !contains(u.Orgs, id) && u.ActiveOrg != id {
				return nil
			}
			return s.LeaveOrg(ctx, u.UUID, id)
		})
		if err == nil {
			err = s.st.Delete(ctx, record.BucketAccounting, id)
		}
	case Clients:
		s.cache.dropPerms(id)
	}
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", k, id, err)
	}
	return s.repo.DeleteNamed(ctx, b, id, entity.Name(r))
}

// forgetUser revokes a user's API keys and frees their SSH key ids.
func (s *Service) forgetUser(ctx context.Context, r *record.Record, id string) error {
	u, err := record.UserFromRecord(r)
	if err != nil {
		return err
	}
	for _, t := range u.Tokens {
		if err := s.st.Delete(ctx, record.BucketToken, t.ID); err != nil {
			return entity.StoreErr(err, "delete token")
		}
	}
	for _, k := range u.SSHKeys {
		if err := s.releaseKey(ctx, id, k.Key); err != nil {
			return err
		}
	}
	if err := s.dropCreatorGrants(ctx, id); err != nil {
		return err
	}
	s.cache.dropSessions()
	s.cache.dropUser(id)
	return nil
}

// eachUser calls fn with every user.
func (s *Service) eachUser(ctx context.Context, fn func(u record.User) error) error {
	var users []record.User
	err := s.st.Fold(ctx, record.BucketUser, func(id string, v []byte) error {
		r, err := record.Load(v)
		if err != nil {
			s.opts.Logger.Warn("user record does not load", "id", id, "err", err)
			return nil
		}
		u, err := record.UserFromRecord(r)
		if err != nil {
			return nil
		}
		u.UUID = id
		users = append(users, u)
		return nil
	})
	if err != nil {
		return entity.StoreErr(err, "users")
	}
	for _, u := range users {
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

// Grant implements API for users, roles and clients.
func (s *Service) Grant(ctx context.Context, k Kind, id string, p perm.Permission) error {
	return s.changePerm(ctx, k, id, p, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return record.Grant(r, st, p)
	})
}

// Revoke implements API for users, roles and clients. A user's creator
// grant (GrantCreator) is revoked like any other.
func (s *Service) Revoke(ctx context.Context, k Kind, id string, p perm.Permission) error {
	err := s.changePerm(ctx, k, id, p, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return record.Revoke(r, p)
	})
	if err != nil || k != Users {
		return err
	}
	return s.revokeCreator(ctx, id, p)
}

// Get implements API. A user comes with their creator grants among their
// permissions, as if they were on the user record.
func (s *Service) Get(ctx context.Context, k Kind, id string) (*record.Record, error) {
	r, err := s.Collections.Get(ctx, k, id)
	if err != nil || k != Users {
		return r, err
	}
	return s.withCreatorGrants(ctx, id, r)
}

func (s *Service) changePerm(ctx context.Context, k Kind, id string, p perm.Permission, fn func(*record.Record, record.Stamp) (*record.Record, error)) error {
	if k == Orgs {
		return fmt.Errorf("orgs hold no permissions: %w", ErrInvalid)
	}
	b, err := bucket(k)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("permission: %w: %w", ErrInvalid, err)
	}
	if err := s.repo.Update(ctx, b, id, fn); err != nil {
		return err
	}
	if k == Roles {
		s.cache.dropPerms("")
	} else {
		s.cache.dropPerms(id)
	}
	return nil
}
