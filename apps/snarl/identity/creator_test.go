package identity

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// TestConcurrentCreatorGrantsSeenAtOnce: 200 creates by one user at once,
// with the permission cache on and readers filling it meanwhile: as soon
// as a GrantCreator returns, the very next check sees the VM's grants
// (no reader may put back a set read before the write).
func TestConcurrentCreatorGrantsSeenAtOnce(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "alice", "pw")
	_, sess := f.login(t, "alice", "pw")
	const n = 200
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() { // keep every cached set warm while the grants land
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := f.UserAllowed(f.ctx, u, perm.Permission{"vms", fmt.Sprint("vm-", i%n), "get"}); err != nil {
					t.Error(err)
					return
				}
				if _, err := f.Effective(f.ctx, u); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vm := fmt.Sprint("vm-", i)
			if err := f.GrantCreator(f.ctx, u, vm); err != nil {
				t.Error(err)
				return
			}
			if ok, err := f.UserAllowed(f.ctx, u, perm.Permission{"vms", vm, "get"}); err != nil || !ok {
				t.Errorf("%s: vms/%s/get right after the grant: %v %v", vm, vm, ok, err)
			}
			if ok, err := f.Allowed(f.ctx, sess, perm.Permission{"channels", vm, "join"}); err != nil || !ok {
				t.Errorf("%s: channels/%s/join right after the grant: %v %v", vm, vm, ok, err)
			}
			set, err := f.Effective(f.ctx, u)
			if err != nil || !set.Allowed(perm.Permission{"vms", vm, "start"}) {
				t.Errorf("%s: not in the effective set right after the grant: %v", vm, err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	set, err := f.Effective(f.ctx, u)
	f.must(t, err)
	if set.Len() != 2*n {
		t.Fatalf("effective set holds %d grants, want %d", set.Len(), 2*n)
	}
	rec, err := f.repo.Load(f.ctx, record.BucketUser, u)
	f.must(t, err)
	if own, _ := permissionsOf(rec); len(own) != 0 {
		t.Fatalf("creator grants written on the user record: %d", len(own))
	}
}

// TestCreatorGrantsRevokedOnDelete: RevokePrefix of a deleted VM's
// ["vms", vm] and ["channels", vm] takes its creator grants back (and
// counts them), at once for the next check, and leaves other VMs' alone;
// Revoke of one creator grant and deleting the user remove them too.
func TestCreatorGrantsRevokedOnDelete(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "alice", "pw")
	for _, vm := range []string{"v1", "v2"} {
		f.must(t, f.GrantCreator(f.ctx, u, vm))
	}
	check := func(p perm.Permission, want bool) {
		t.Helper()
		ok, err := f.UserAllowed(f.ctx, u, p)
		f.must(t, err)
		if ok != want {
			t.Fatalf("%v allowed = %v, want %v", p, ok, want)
		}
	}
	check(perm.Permission{"vms", "v1", "get"}, true) // cached now
	for _, prefix := range []perm.Permission{{"vms", "v1"}, {"channels", "v1"}} {
		n, err := f.RevokePrefix(f.ctx, prefix)
		f.must(t, err)
		if n != 1 {
			t.Fatalf("RevokePrefix(%v) removed %d grants, want 1", prefix, n)
		}
	}
	check(perm.Permission{"vms", "v1", "get"}, false)
	check(perm.Permission{"channels", "v1", "join"}, false)
	check(perm.Permission{"vms", "v2", "get"}, true)
	check(perm.Permission{"channels", "v2", "join"}, true)

	f.must(t, f.Revoke(f.ctx, Users, u, perm.Permission{"channels", "v2", "join"}))
	check(perm.Permission{"channels", "v2", "join"}, false)
	check(perm.Permission{"vms", "v2", "get"}, true)

	if err := f.GrantCreator(f.ctx, u, "_"); err == nil {
		t.Fatal("a wildcard VM was granted")
	}
	if err := f.GrantCreator(f.ctx, "nobody", "v3"); err == nil {
		t.Fatal("a grant to a missing user was accepted")
	}
	f.must(t, f.Delete(f.ctx, Users, u))
	for k := range creatorShards {
		if _, err := f.st.Get(f.ctx, bucketCreator, creatorID(u, k)); err == nil {
			t.Fatalf("shard %d of a deleted user kept", k)
		}
	}
}

// TestCacheGenerationRejectsStalePut: a set read before an invalidation
// is not cached after it.
func TestCacheGenerationRejectsStalePut(t *testing.T) {
	c := newCache(time.Hour)
	now := time.Unix(1, 0)
	key := permKey{kind: keyCreator, id: "u", shard: 3}
	_, g, ok := c.permsOf(key, now)
	if ok {
		t.Fatal("empty cache answered")
	}
	c.dropCreator("u", 3) // a write lands while the read is under way
	c.putPerms(key, g, perm.NewSet(), now)
	if _, _, ok := c.permsOf(key, now); ok {
		t.Fatal("a set read before the write was cached")
	}
	_, g, _ = c.permsOf(key, now)
	c.putPerms(key, g, perm.NewSet(), now)
	if _, _, ok := c.permsOf(key, now); !ok {
		t.Fatal("a fresh set was not cached")
	}
	_, g, _ = c.permsOf(permKey{kind: keyAll, id: "u"}, now)
	c.dropPerms("")
	c.putPerms(permKey{kind: keyAll, id: "u"}, g, perm.NewSet(), now)
	if _, _, ok := c.permsOf(permKey{kind: keyAll, id: "u"}, now); ok {
		t.Fatal("a set read before dropping every set was cached")
	}
}

// TestCreatorGrantsAnswerAsOnTheUser is the property that keeping creator
// grants apart changes no answer: after any sequence of creator grants,
// ordinary grants and revocations (single, by prefix), every check, the
// effective set and the user's permissions as Get shows them equal those
// of a model holding every grant on the user, as the service did before.
func TestCreatorGrantsAnswerAsOnTheUser(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(t)
		u := f.user(t, "alice", "pw")
		model := perm.NewSet()
		vms := []string{"v1", "v2", "v3", "v4", "v5", "v6"}
		vm := rapid.SampledFrom(vms)
		perms := rapid.Custom(func(rt *rapid.T) perm.Permission {
			return rapid.SampledFrom([]perm.Permission{
				{"vms", vm.Draw(rt, "vm"), "..."}, {"channels", vm.Draw(rt, "vm"), "join"},
				{"vms", vm.Draw(rt, "vm"), "get"}, {"vms", "_", "get"}, {"vms", "..."}, {"channels", "_", "join"},
				{"hypervisors", "_", "create"}, {"..."},
			}).Draw(rt, "p")
		})
		for range rapid.IntRange(1, 30).Draw(rt, "steps") {
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0:
				v := vm.Draw(rt, "vm")
				f.must(t, f.GrantCreator(f.ctx, u, v))
				for _, p := range CreatorPermissions(v) {
					model.Add(p)
				}
			case 1:
				p := perms.Draw(rt, "grant")
				f.must(t, f.Grant(f.ctx, Users, u, p))
				model.Add(p)
			case 2:
				p := perms.Draw(rt, "revoke")
				f.must(t, f.Revoke(f.ctx, Users, u, p))
				model.Remove(p)
			case 3:
				prefix := rapid.SampledFrom([]perm.Permission{
					{"vms", vm.Draw(rt, "vm")}, {"channels", vm.Draw(rt, "vm")}, {"vms"}, {"vms", "_"},
				}).Draw(rt, "prefix")
				n, err := f.RevokePrefix(f.ctx, prefix)
				f.must(t, err)
				if want := model.RevokePrefix(prefix); n != want {
					rt.Fatalf("RevokePrefix(%v) = %d, model %d", prefix, n, want)
				}
			case 4:
				f.clock.Advance(2 * time.Second) // past the cache's TTL
			}
		}
		probes := []perm.Permission{{"hypervisors", "h", "create"}, {"vms"}, {"vms", "v1"}, {"other", "x", "y"}}
		for _, v := range append(vms, "_", "...") {
			probes = append(probes, perm.Permission{"vms", v, "get"}, perm.Permission{"vms", v, "a", "b"},
				perm.Permission{"channels", v, "join"}, perm.Permission{"channels", v, "leave"})
		}
		set, err := f.Effective(f.ctx, u)
		f.must(t, err)
		base, err := f.EffectiveBase(f.ctx, u)
		f.must(t, err)
		for _, p := range probes {
			ok, err := f.UserAllowed(f.ctx, u, p)
			f.must(t, err)
			if want := model.Allowed(p); ok != want || set.Allowed(p) != want {
				rt.Fatalf("%v: UserAllowed %v, Effective %v, model %v", p, ok, set.Allowed(p), want)
			}
			if creatorShardOf(p) < 0 && base.Allowed(p) != model.Allowed(p) {
				rt.Fatalf("%v: EffectiveBase %v, model %v", p, base.Allowed(p), model.Allowed(p))
			}
		}
		if !slices.EqualFunc(set.List(), model.List(), perm.Permission.Equal) {
			rt.Fatalf("effective %v, model %v", set.List(), model.List())
		}
		rec, err := f.Get(f.ctx, Users, u)
		f.must(t, err)
		usr, err := record.UserFromRecord(rec)
		f.must(t, err)
		shown := perm.NewSet()
		for _, p := range usr.Permissions {
			shown.Add(p)
		}
		if !slices.EqualFunc(shown.List(), model.List(), perm.Permission.Equal) || len(usr.Permissions) != model.Len() {
			rt.Fatalf("Get shows %v, model %v", usr.Permissions, model.List())
		}
	})
}
