package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// createNamed claims name in bucket for a new id and writes the record mk
// makes; the name is released again when the write fails.
func (s *Service) createNamed(ctx context.Context, bucket, what, name string, mk func(id string, st record.Stamp) (*record.Record, error)) (string, error) {
	if err := validName(what, name); err != nil {
		return "", err
	}
	id, err := s.newID()
	if err != nil {
		return "", err
	}
	if err := s.st.ClaimName(ctx, bucket, name, id); err != nil {
		return "", storeErr(err, fmt.Sprintf("%s %q", what, name))
	}
	r, err := mk(id, s.stamp())
	if err == nil {
		err = s.put(ctx, bucket, id, r)
	}
	if err != nil {
		if rerr := s.st.ReleaseName(context.WithoutCancel(ctx), bucket, name, id); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return "", fmt.Errorf("create %s %q: %w", what, name, err)
	}
	return id, nil
}

// deleteNamed removes a record and frees its name.
func (s *Service) deleteNamed(ctx context.Context, bucket, id, name string) error {
	if err := s.st.Delete(ctx, bucket, id); err != nil {
		return storeErr(err, "delete "+bucket+" "+id)
	}
	if name != "" {
		if err := s.st.ReleaseName(ctx, bucket, name, id); err != nil {
			return storeErr(err, "release "+bucket+" name")
		}
	}
	return nil
}

// nameOf returns the name field of a record.
func nameOf(r *record.Record) string {
	var name string
	if v, ok := r.Fields.GetKind("name", crdt.KindLWW); ok {
		_ = v.LWW.Decode(&name)
	}
	return name
}

// Delete implements API. Deleting a role or org also removes it from
// every user; deleting a user revokes their API keys and frees their SSH
// keys.
func (s *Service) Delete(ctx context.Context, k Kind, id string) error {
	b, err := bucket(k)
	if err != nil {
		return err
	}
	r, err := s.load(ctx, b, id)
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
	return s.deleteNamed(ctx, b, id, nameOf(r))
}

// forgetUser revokes a user's API keys and frees their SSH key ids.
func (s *Service) forgetUser(ctx context.Context, r *record.Record, id string) error {
	u, err := record.UserFromRecord(r)
	if err != nil {
		return err
	}
	for _, t := range u.Tokens {
		if err := s.st.Delete(ctx, record.BucketToken, t.ID); err != nil {
			return storeErr(err, "delete token")
		}
	}
	for _, k := range u.SSHKeys {
		if err := s.releaseKey(ctx, id, k.Key); err != nil {
			return err
		}
	}
	s.cache.dropSessions()
	s.cache.dropPerms(id)
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
		return storeErr(err, "users")
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

// Revoke implements API for users, roles and clients.
func (s *Service) Revoke(ctx context.Context, k Kind, id string, p perm.Permission) error {
	return s.changePerm(ctx, k, id, p, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return record.Revoke(r, p)
	})
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
	if err := s.update(ctx, b, id, fn); err != nil {
		return err
	}
	if k == Roles {
		s.cache.dropPerms("")
	} else {
		s.cache.dropPerms(id)
	}
	return nil
}
