package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
)

// passwordAlgo names the stored hash format of credential's encodings.
func passwordAlgo(encoded string) string {
	if strings.HasPrefix(encoded, "$argon2id$") {
		return "argon2id"
	}
	return "bcrypt"
}

// hashPassword hashes pw for storage.
func (s *Service) hashPassword(pw string) (record.Password, error) {
	h, err := s.opts.Password.Hash(pw, s.opts.Rand)
	if err != nil {
		if errors.Is(err, credential.ErrEmptyPassword) || errors.Is(err, credential.ErrPasswordTooLong) {
			return record.Password{}, fmt.Errorf("password: %w: %w", ErrInvalid, err)
		}
		return record.Password{}, fmt.Errorf("password: %w", err)
	}
	return record.Password{Algo: passwordAlgo(h), Hash: []byte(h)}, nil
}

// CreateUser implements API: the new user joins Options.InitialRole, and
// the triggers for user_create of the creator's active org run.
func (s *Service) CreateUser(ctx context.Context, creator Session, name, password string) (string, error) {
	pw, err := s.hashPassword(password)
	if err != nil {
		return "", err
	}
	id, err := s.repo.CreateNamed(ctx, record.BucketUser, "user", name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewUser(st, record.User{UUID: id, Name: name, Password: pw})
	})
	if err != nil {
		return "", err
	}
	if s.opts.InitialRole != "" {
		role, err := s.resolveID(ctx, Roles, s.opts.InitialRole)
		if err == nil {
			err = s.JoinRole(ctx, id, role)
		}
		if err != nil {
			return id, fmt.Errorf("user %s: initial role: %w", id, err)
		}
	}
	if creator.User != "" {
		if c, err := s.user(ctx, creator.User); err == nil && c.ActiveOrg != "" {
			if err := s.RunTriggers(ctx, c.ActiveOrg, EventUserCreate, id); err != nil {
				return id, fmt.Errorf("user %s: org triggers: %w", id, err)
			}
		}
	}
	return id, nil
}

// resolveID accepts a uuid or a unique name of kind k.
func (s *Service) resolveID(ctx context.Context, k Kind, idOrName string) (string, error) {
	b, err := bucket(k)
	if err != nil {
		return "", err
	}
	if _, err := s.st.Get(ctx, b, idOrName); err == nil {
		return idOrName, nil
	}
	id, err := s.st.LookupName(ctx, b, idOrName)
	return id, entity.StoreErr(err, string(k)+" "+idOrName)
}

// user loads a user's typed view.
func (s *Service) user(ctx context.Context, id string) (record.User, error) {
	r, err := s.repo.Load(ctx, record.BucketUser, id)
	if err != nil {
		return record.User{}, err
	}
	u, err := record.UserFromRecord(r)
	if err != nil {
		return record.User{}, fmt.Errorf("user %s: %w", id, err)
	}
	u.UUID = id
	return u, nil
}

// SetPassword implements API.
func (s *Service) SetPassword(ctx context.Context, user, password string) error {
	pw, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.SetField(st, "password", pw)
	})
}

// exists fails with ErrNotFound unless k/id exists.
func (s *Service) exists(ctx context.Context, k Kind, id string) error {
	_, err := s.Get(ctx, k, id)
	return err
}

// JoinRole implements API.
func (s *Service) JoinRole(ctx context.Context, user, role string) error {
	if err := s.exists(ctx, Roles, role); err != nil {
		return err
	}
	defer s.cache.dropPerms(user)
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "roles", role)
	})
}

// LeaveRole implements API.
func (s *Service) LeaveRole(ctx context.Context, user, role string) error {
	defer s.cache.dropPerms(user)
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return r.RemoveFromSet("roles", role)
	})
}

// JoinOrg implements API; active also makes org the user's active org.
func (s *Service) JoinOrg(ctx context.Context, user, org string, active bool) error {
	if err := s.exists(ctx, Orgs, org); err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		d, err := r.AddToSet(st, "orgs", org)
		if err != nil || !active {
			return d, err
		}
		d2, err := r.SetField(st, "active_org", org)
		if err != nil {
			return nil, err
		}
		return record.Merge(d, d2)
	})
}

// LeaveOrg implements API; leaving the active org clears it.
func (s *Service) LeaveOrg(ctx context.Context, user, org string) error {
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		d, err := r.RemoveFromSet("orgs", org)
		if err != nil {
			return nil, err
		}
		u, err := record.UserFromRecord(r)
		if err != nil || u.ActiveOrg != org {
			return d, err
		}
		d2, err := r.SetField(st, "active_org", "")
		if err != nil {
			return nil, err
		}
		return record.Merge(d, d2)
	})
}

// sshKeyBucket indexes SSH key ids (md5 of the key blob) to their user:
// a key belongs to one user only.
const sshKeyBucket = "sshkey"

// AddSSHKey implements API: 409 when the key is registered to another
// user or the user has another key of that name.
func (s *Service) AddSSHKey(ctx context.Context, user, name, key string) error {
	if !credential.ValidKeyName(name) {
		return fmt.Errorf("ssh key name %q: %w", name, ErrInvalid)
	}
	k, err := credential.ParseSSHKey(key)
	if err != nil {
		return fmt.Errorf("ssh key %q: %w: %w", name, ErrInvalid, err)
	}
	u, err := s.user(ctx, user)
	if err != nil {
		return err
	}
	for _, e := range u.SSHKeys {
		if e.Name == name {
			return fmt.Errorf("ssh key name %q: %w", name, ErrConflict)
		}
		if ek, err := credential.ParseSSHKey(e.Key); err == nil && ek.ID == k.ID {
			return fmt.Errorf("ssh key %q: the user has it as %q: %w", name, e.Name, ErrConflict)
		}
	}
	if err := s.st.ClaimName(ctx, sshKeyBucket, k.ID, user); err != nil {
		return entity.StoreErr(err, "ssh key "+name)
	}
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "ssh_keys", record.SSHKey{Name: name, Key: key})
	})
}

// DeleteSSHKey implements API.
func (s *Service) DeleteSSHKey(ctx context.Context, user, name string) error {
	var line string
	err := s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		u, err := record.UserFromRecord(r)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(u.SSHKeys, func(k record.SSHKey) bool { return k.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("ssh key %q: %w", name, ErrNotFound)
		}
		line = u.SSHKeys[i].Key
		return r.RemoveFromSet("ssh_keys", u.SSHKeys[i])
	})
	if err != nil {
		return err
	}
	return s.releaseKey(ctx, user, line)
}

// releaseKey frees the key id of an SSH key line held by user.
func (s *Service) releaseKey(ctx context.Context, user, line string) error {
	k, err := credential.ParseSSHKey(line)
	if err != nil {
		return nil // never claimed
	}
	return entity.StoreErr(s.st.ReleaseName(ctx, sshKeyBucket, k.ID, user), "release ssh key")
}

// AddYubikey implements API: stores the key's public id (the OTP minus its
// last 32 characters).
func (s *Service) AddYubikey(ctx context.Context, user, otp string) error {
	id, err := credential.YubikeyID(otp)
	if err != nil {
		return fmt.Errorf("yubikey: %w: %w", ErrInvalid, err)
	}
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "yubikeys", id)
	})
}

// DeleteYubikey implements API.
func (s *Service) DeleteYubikey(ctx context.Context, user, keyID string) error {
	return s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		u, err := record.UserFromRecord(r)
		if err != nil {
			return nil, err
		}
		if !contains(u.YubiKeys, keyID) {
			return nil, fmt.Errorf("yubikey %q: %w", keyID, ErrNotFound)
		}
		return r.RemoveFromSet("yubikeys", keyID)
	})
}
