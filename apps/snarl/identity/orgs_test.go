package identity

import (
	"errors"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

func TestOrgTriggersFireOnUserCreate(t *testing.T) {
	f := newFixture(t)
	creator := f.user(t, "boss", "pw")
	_, cs := f.login(t, "boss", "pw")
	org, err := f.CreateOrg(f.ctx, "acme")
	f.must(t, err)
	other, err := f.CreateOrg(f.ctx, "partners")
	f.must(t, err)
	role, err := f.CreateRole(f.ctx, "staff")
	f.must(t, err)
	f.must(t, f.JoinOrg(f.ctx, creator, org, true))

	add := func(tr OrgTrigger) string {
		id, err := f.AddTrigger(f.ctx, org, tr)
		f.must(t, err)
		return id
	}
	add(OrgTrigger{Event: EventUserCreate, Action: ActionJoinRole, Target: role})
	add(OrgTrigger{Event: EventUserCreate, Action: ActionJoinOrg, Target: other})
	add(OrgTrigger{Event: EventUserCreate, Action: ActionUserGrant, Target: creator, Base: "users", Permission: []string{"..."}})
	add(OrgTrigger{Event: EventUserCreate, Action: ActionRoleGrant, Target: role, Base: "users", Permission: []string{"get"}})
	vmTrigger := add(OrgTrigger{Event: EventVMCreate, Action: ActionUserGrant, Target: creator, Base: "vms", Permission: []string{"..."}})

	for _, bad := range []OrgTrigger{
		{Event: "nope", Action: ActionJoinRole, Target: role},
		{Event: EventUserCreate, Action: "nope", Target: role},
		{Event: EventUserCreate, Action: ActionUserGrant, Target: creator},
		{Event: EventUserCreate, Action: ActionJoinRole},
	} {
		if _, err := f.AddTrigger(f.ctx, org, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("trigger %+v: %v", bad, err)
		}
	}

	nu, err := f.CreateUser(f.ctx, cs, "newbie", "pw")
	f.must(t, err)
	u, err := f.Service.user(f.ctx, nu)
	f.must(t, err)
	if !slices.Contains(u.Roles, role) || !slices.Contains(u.Orgs, other) {
		t.Fatalf("join triggers did not fire: roles %v orgs %v", u.Roles, u.Orgs)
	}
	if ok, _ := f.UserAllowed(f.ctx, creator, perm.Permission{"users", nu, "delete"}); !ok {
		t.Fatal("user_grant trigger did not grant users/<new>/...")
	}
	if ok, _ := f.UserAllowed(f.ctx, nu, perm.Permission{"users", nu, "get"}); !ok {
		t.Fatal("role_grant trigger did not grant the role users/<new>/get")
	}
	if ok, _ := f.UserAllowed(f.ctx, creator, perm.Permission{"vms", nu, "get"}); ok {
		t.Fatal("a vm_create trigger fired on user_create")
	}
	// A user created without an active org runs no triggers.
	plain, err := f.CreateUser(f.ctx, Session{}, "plain", "pw")
	f.must(t, err)
	if u, _ := f.Service.user(f.ctx, plain); len(u.Roles) != 0 {
		t.Fatal("triggers ran without a creator")
	}
	f.must(t, f.RunTriggers(f.ctx, org, EventVMCreate, "vm-1"))
	if ok, _ := f.UserAllowed(f.ctx, creator, perm.Permission{"vms", "vm-1", "start"}); !ok {
		t.Fatal("vm_create trigger did not grant")
	}
	f.must(t, f.DeleteTrigger(f.ctx, org, vmTrigger))
	r, _ := f.Get(f.ctx, Orgs, org)
	o, _ := record.OrgFromRecord(r)
	ts := Triggers(o)
	if len(ts) != 4 {
		t.Fatalf("after delete %d triggers", len(ts))
	}
	for _, tr := range ts {
		if tr.Action == ActionUserGrant && !slices.Equal(tr.Permission, []string{"users", "$", "..."}) {
			t.Fatalf("stored grant %v, want [users $ ...]", tr.Permission)
		}
	}
	if err := f.DeleteTrigger(f.ctx, org, vmTrigger); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestOrgResourcesAndAccounting(t *testing.T) {
	f := newFixture(t)
	org, err := f.CreateOrg(f.ctx, "acme")
	f.must(t, err)
	f.must(t, f.ChangeResource(f.ctx, org, "vms", 3))
	f.must(t, f.ChangeResource(f.ctx, org, "vms", -1))
	if err := f.ChangeResource(f.ctx, org, "vms", 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("zero change: %v", err)
	}
	r, _ := f.Get(f.ctx, Orgs, org)
	o, _ := record.OrgFromRecord(r)
	if o.Resources["vms"] != 2 {
		t.Fatalf("resources %v", o.Resources)
	}
	for i, ts := range []int64{300, 100, 200} {
		f.must(t, f.AddAccounting(f.ctx, org, AccountingEntry{Timestamp: ts, Action: "create", Resource: string(rune('a' + i))}))
	}
	if err := f.AddAccounting(f.ctx, org, AccountingEntry{Timestamp: 1, Action: "explode"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad action: %v", err)
	}
	es, err := f.Accounting(f.ctx, org, 150, 0)
	f.must(t, err)
	if len(es) != 2 || es[0].Timestamp != 200 || es[1].Timestamp != 300 {
		t.Fatalf("accounting %+v", es)
	}
	es, err = f.Accounting(f.ctx, org, 0, 150)
	f.must(t, err)
	if len(es) != 1 || es[0].Resource != "b" {
		t.Fatalf("accounting ≤150 %+v", es)
	}
	if _, err := f.Accounting(f.ctx, "missing", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing org: %v", err)
	}
}

func TestBootstrap(t *testing.T) {
	f := newFixture(t)
	created, err := f.Bootstrap(f.ctx, "adminpw")
	f.must(t, err)
	if !created {
		t.Fatal("first bootstrap did nothing")
	}
	_, s := f.login(t, AdminUser, "adminpw")
	if !f.allowed(t, s, "anything", "at", "all") {
		t.Fatal("admin is not a superuser")
	}
	u, err := f.Service.user(f.ctx, s.User)
	f.must(t, err)
	if len(u.Roles) != 1 || len(u.Orgs) != 1 || u.ActiveOrg != u.Orgs[0] {
		t.Fatalf("admin %+v", u)
	}
	created, err = f.Bootstrap(f.ctx, "other")
	f.must(t, err)
	if created {
		t.Fatal("second bootstrap ran again")
	}
	f.login(t, AdminUser, "adminpw")
}

func TestBootstrapCompletesAnInterruptedRun(t *testing.T) {
	f := newFixture(t)
	// A previous run created the org and the user, then stopped.
	_, err := f.CreateOrg(f.ctx, AdminOrg)
	f.must(t, err)
	f.user(t, AdminUser, "adminpw")
	created, err := f.Bootstrap(f.ctx, "ignored")
	f.must(t, err)
	if !created {
		t.Fatal("interrupted bootstrap not completed")
	}
	_, s := f.login(t, AdminUser, "adminpw")
	if !f.allowed(t, s, "x") {
		t.Fatal("admin not granted on completion")
	}
}
