package identity

import (
	"testing"

	"github.com/fifogo/fifo/internal/perm"
)

func TestRevokePrefixEverywhere(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "alice", "pw")
	role, err := f.CreateRole(f.ctx, "ops")
	f.must(t, err)
	f.must(t, f.JoinRole(f.ctx, u, role))
	for _, p := range []perm.Permission{{"vms", "v1", "..."}, {"channels", "v1", "join"}, {"vms", "v2", "get"}} {
		f.must(t, f.Grant(f.ctx, Users, u, p))
	}
	f.must(t, f.Grant(f.ctx, Roles, role, perm.Permission{"vms", "v1", "get"}))
	n, err := f.RevokePrefix(f.ctx, perm.Permission{"vms", "v1"})
	f.must(t, err)
	if n != 2 {
		t.Fatalf("revoked %d grants, want 2 (user's and role's)", n)
	}
	if ok, _ := f.UserAllowed(f.ctx, u, perm.Permission{"vms", "v1", "get"}); ok {
		t.Fatal("vms/v1 still allowed")
	}
	if ok, _ := f.UserAllowed(f.ctx, u, perm.Permission{"vms", "v2", "get"}); !ok {
		t.Fatal("vms/v2 revoked too")
	}
	if ok, _ := f.UserAllowed(f.ctx, u, perm.Permission{"channels", "v1", "join"}); !ok {
		t.Fatal("another prefix revoked")
	}
	org, err := f.CreateOrg(f.ctx, "acme")
	f.must(t, err)
	f.must(t, f.JoinOrg(f.ctx, u, org, true))
	if got, _ := f.ActiveOrg(f.ctx, u); got != org {
		t.Fatalf("active org %q", got)
	}
	f.must(t, f.ChangeResource(f.ctx, org, "vms", 2))
	if res, _ := f.OrgResources(f.ctx, org); res["vms"] != 2 {
		t.Fatalf("resources %v", res)
	}
}
