package identity

import (
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/perm"
)

// otherNode returns a second Service over f's store and clock, as another
// control node over the replicated records, with its own cache (TTL one
// hour, so that nothing expires during the test).
func otherNode(t *testing.T, f *fixture) *Service {
	t.Helper()
	s, err := New(f.st, Options{Actor: "other", Now: f.clock.Now, Password: cheap, CacheTTL: time.Hour})
	f.must(t, err)
	return s
}

// TestGrantOnOneNodeAllowedOnAnother: a creator grant made through node A
// is allowed through node C at once, though C cached the user's sets (and
// the VM's deny) just before: a cached deny is checked again from the
// store. A grant of the user's own, and a role joined, likewise.
func TestGrantOnOneNodeAllowedOnAnother(t *testing.T) {
	a := newFixture(t, func(o *Options) { o.CacheTTL = time.Hour })
	c := otherNode(t, a)
	u := a.user(t, "alice", "pw")
	_, sess := a.login(t, "alice", "pw")
	check := func(p perm.Permission, want bool) {
		t.Helper()
		ok, err := c.Allowed(a.ctx, sess, p)
		a.must(t, err)
		if ok != want {
			t.Fatalf("Allowed(%v) on C = %v, want %v", p, ok, want)
		}
		ok, err = c.UserAllowed(a.ctx, u, p)
		a.must(t, err)
		if ok != want {
			t.Fatalf("UserAllowed(%v) on C = %v, want %v", p, ok, want)
		}
	}
	check(perm.Permission{"vms", "v1", "get"}, false) // C caches the deny
	a.must(t, a.GrantCreator(a.ctx, u, "v1"))
	check(perm.Permission{"vms", "v1", "get"}, true)
	check(perm.Permission{"channels", "v1", "join"}, true)
	check(perm.Permission{"vms", "v2", "get"}, false)

	check(perm.Permission{"hypervisors", "h1", "get"}, false)
	a.must(t, a.Grant(a.ctx, Users, u, perm.Permission{"hypervisors", "h1", "get"}))
	check(perm.Permission{"hypervisors", "h1", "get"}, true)

	check(perm.Permission{"datasets", "d1", "get"}, false)
	role, err := a.CreateRole(a.ctx, "readers")
	a.must(t, err)
	a.must(t, a.Grant(a.ctx, Roles, role, perm.Permission{"datasets", "..."}))
	a.must(t, a.JoinRole(a.ctx, u, role))
	check(perm.Permission{"datasets", "d1", "get"}, true)
}

// TestCachedAllowOutlivesRemoteRevoke documents the other side: an allow
// cached on node C outlives a revocation made through node A by up to one
// TTL, and no longer.
func TestCachedAllowOutlivesRemoteRevoke(t *testing.T) {
	a := newFixture(t)
	c, err := New(a.st, Options{Actor: "other", Now: a.clock.Now, Password: cheap})
	a.must(t, err)
	u := a.user(t, "alice", "pw")
	a.must(t, a.GrantCreator(a.ctx, u, "v1"))
	p := perm.Permission{"vms", "v1", "get"}
	allowedOnC := func() bool {
		ok, err := c.UserAllowed(a.ctx, u, p)
		a.must(t, err)
		return ok
	}
	if !allowedOnC() {
		t.Fatal("not allowed on C after the grant")
	}
	_, err = a.RevokePrefix(a.ctx, perm.Permission{"vms", "v1"})
	a.must(t, err)
	if !allowedOnC() {
		t.Fatal("the cached allow on C was dropped: the cache works differently from what the docs say")
	}
	a.clock.Advance(time.Second)
	if allowedOnC() {
		t.Fatal("allowed on C one TTL after the revocation")
	}
}
