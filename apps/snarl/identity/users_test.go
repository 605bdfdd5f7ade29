package identity

import (
	"errors"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

func TestCreateUserUniqueName(t *testing.T) {
	f := newFixture(t)
	id := f.user(t, "alice", "pw1")
	if _, err := f.CreateUser(f.ctx, Session{}, "alice", "pw2"); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
	for _, bad := range []string{"", "a\x00b", string(make([]byte, 300))} {
		if _, err := f.CreateUser(f.ctx, Session{}, bad, "pw"); !errors.Is(err, ErrInvalid) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	if _, err := f.CreateUser(f.ctx, Session{}, "bob", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty password: %v", err)
	}
	ids, err := f.List(f.ctx, Users)
	f.must(t, err)
	if !slices.Equal(ids, []string{id}) {
		t.Fatalf("list = %v, want [%s] (failed creates must leave nothing)", ids, id)
	}
	r, err := f.Get(f.ctx, Users, id)
	f.must(t, err)
	u, err := record.UserFromRecord(r)
	f.must(t, err)
	if u.Name != "alice" || u.Password.Algo != "argon2id" || string(u.Password.Hash) == "pw1" {
		t.Fatalf("stored user %+v", u)
	}
	f.must(t, f.Delete(f.ctx, Users, id))
	if _, err := f.Get(f.ctx, Users, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted user: %v", err)
	}
	f.user(t, "alice", "pw3") // the name is free again
}

func TestPasswordChangeAndLogin(t *testing.T) {
	f := newFixture(t)
	id := f.user(t, "alice", "old")
	f.login(t, "alice", "old")
	f.must(t, f.SetPassword(f.ctx, id, "new"))
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "old"}); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("old password after change: %v", err)
	}
	f.login(t, "alice", "new")
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "nobody", Password: "x"}); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestRolesAndOrgsMembership(t *testing.T) {
	f := newFixture(t)
	uid := f.user(t, "alice", "pw")
	_, s := f.login(t, "alice", "pw")
	role, err := f.CreateRole(f.ctx, "ops")
	f.must(t, err)
	if _, err := f.CreateRole(f.ctx, "ops"); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate role: %v", err)
	}
	f.must(t, f.Grant(f.ctx, Roles, role, perm.Permission{"vms", "_", "get"}))
	if f.allowed(t, s, "vms", "v1", "get") {
		t.Fatal("allowed before joining the role")
	}
	f.must(t, f.JoinRole(f.ctx, uid, role))
	if !f.allowed(t, s, "vms", "v1", "get") {
		t.Fatal("role permission not effective after join")
	}
	f.must(t, f.Revoke(f.ctx, Roles, role, perm.Permission{"vms", "_", "get"}))
	if f.allowed(t, s, "vms", "v1", "get") {
		t.Fatal("role revoke not effective")
	}
	f.must(t, f.Grant(f.ctx, Roles, role, perm.Permission{"vms", "_", "get"}))
	f.must(t, f.LeaveRole(f.ctx, uid, role))
	if f.allowed(t, s, "vms", "v1", "get") {
		t.Fatal("allowed after leaving the role")
	}
	if err := f.JoinRole(f.ctx, uid, "no-such-role"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("join missing role: %v", err)
	}

	org, err := f.CreateOrg(f.ctx, "acme")
	f.must(t, err)
	f.must(t, f.JoinOrg(f.ctx, uid, org, true))
	u, err := f.Service.user(f.ctx, uid)
	f.must(t, err)
	if !slices.Contains(u.Orgs, org) || u.ActiveOrg != org {
		t.Fatalf("after join: orgs %v active %q", u.Orgs, u.ActiveOrg)
	}
	f.must(t, f.JoinRole(f.ctx, uid, role))
	f.must(t, f.Delete(f.ctx, Orgs, org))
	f.must(t, f.Delete(f.ctx, Roles, role))
	u, err = f.Service.user(f.ctx, uid)
	f.must(t, err)
	if len(u.Orgs) != 0 || u.ActiveOrg != "" || len(u.Roles) != 0 {
		t.Fatalf("deleted org/role still on the user: %+v", u)
	}
}

func TestUserGrantRevokeAndScopes(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Scopes = append(DefaultScopes(), Scope{Name: "read", Description: "read vms", Permissions: []perm.Permission{{"vms", "_", "get"}}})
	})
	uid := f.user(t, "alice", "pw")
	_, s := f.login(t, "alice", "pw")
	f.must(t, f.Grant(f.ctx, Users, uid, perm.Permission{"vms", "..."}))
	if !f.allowed(t, s, "vms", "v1", "delete") {
		t.Fatal("grant not effective")
	}
	tok, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "pw", Scope: []string{"read"}})
	f.must(t, err)
	narrow, err := f.Resolve(f.ctx, tok.AccessToken)
	f.must(t, err)
	if !f.allowed(t, narrow, "vms", "v1", "get") || f.allowed(t, narrow, "vms", "v1", "delete") {
		t.Fatal("scope does not limit the token")
	}
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "pw", Scope: []string{"nope"}}); !errors.Is(err, ErrInvalidScope) {
		t.Fatalf("unknown scope: %v", err)
	}
	f.must(t, f.Revoke(f.ctx, Users, uid, perm.Permission{"vms", "..."}))
	if f.allowed(t, s, "vms", "v1", "get") {
		t.Fatal("revoke not effective")
	}
	if ok, err := f.UserAllowed(f.ctx, uid, perm.Permission{"vms", "v1", "get"}); err != nil || ok {
		t.Fatalf("UserAllowed after revoke = %v, %v", ok, err)
	}
	if err := f.Grant(f.ctx, Orgs, "x", perm.Permission{"a"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("grant to an org: %v", err)
	}
	if err := f.Grant(f.ctx, Users, uid, perm.Permission{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty permission: %v", err)
	}
}

func TestSSHKeysGloballyUnique(t *testing.T) {
	f := newFixture(t)
	a := f.user(t, "alice", "pw")
	b := f.user(t, "bob", "pw")
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@host"
	f.must(t, f.AddSSHKey(f.ctx, a, "laptop", key))
	if err := f.AddSSHKey(f.ctx, b, "stolen", key); !errors.Is(err, ErrConflict) {
		t.Fatalf("same key on another user: %v", err)
	}
	if err := f.AddSSHKey(f.ctx, a, "again", key); !errors.Is(err, ErrConflict) {
		t.Fatalf("same key twice on one user: %v", err)
	}
	if err := f.AddSSHKey(f.ctx, a, "bad name!", key); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad key name: %v", err)
	}
	if err := f.AddSSHKey(f.ctx, a, "junk", "ssh-rsa notbase64 x"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad key: %v", err)
	}
	f.must(t, f.DeleteSSHKey(f.ctx, a, "laptop"))
	f.must(t, f.AddSSHKey(f.ctx, b, "mine-now", key))
	if err := f.DeleteSSHKey(f.ctx, a, "laptop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete missing key: %v", err)
	}
}

func TestYubikeyRequiresOTP(t *testing.T) {
	f := newFixture(t)
	id := f.user(t, "alice", "pw")
	const otp = "ccccccbcgujhingjrdejhgfnuetrgigvejhhgbkugded"
	f.must(t, f.AddYubikey(f.ctx, id, otp))
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "pw"}); !errors.Is(err, ErrOTPRequired) {
		t.Fatalf("login without otp: %v", err)
	}
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "pw", OTP: otp}); err != nil {
		t.Fatalf("login with otp: %v", err)
	}
	other := "ccccccdddddd" + otp[12:]
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "pw", OTP: other}); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("login with another key's otp: %v", err)
	}
	f.must(t, f.DeleteYubikey(f.ctx, id, otp[:12]))
	f.login(t, "alice", "pw")
}

func TestMetadata(t *testing.T) {
	f := newFixture(t)
	id := f.user(t, "alice", "pw")
	f.must(t, f.SetMetadata(f.ctx, Users, id, []string{"public", "ui"}, map[string]any{"theme": "dark"}))
	r, err := f.Get(f.ctx, Users, id)
	f.must(t, err)
	u, _ := record.UserFromRecord(r)
	pub, _ := u.Metadata["public"].(map[string]any)
	ui, _ := pub["ui"].(map[string]any)
	if ui["theme"] != "dark" {
		t.Fatalf("metadata = %v", u.Metadata)
	}
	f.must(t, f.DeleteMetadata(f.ctx, Users, id, []string{"public", "ui", "theme"}))
	r, _ = f.Get(f.ctx, Users, id)
	u, _ = record.UserFromRecord(r)
	pub, _ = u.Metadata["public"].(map[string]any)
	if ui, _ := pub["ui"].(map[string]any); ui["theme"] != nil {
		t.Fatalf("metadata after delete = %v", u.Metadata)
	}
	if err := f.SetMetadata(f.ctx, Users, "missing", []string{"a"}, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("metadata on missing user: %v", err)
	}
	if err := f.SetMetadata(f.ctx, Users, id, nil, 1); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty path: %v", err)
	}
}
