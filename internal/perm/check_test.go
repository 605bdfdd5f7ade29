package perm

import "testing"

func TestChecks(t *testing.T) {
	s := NewSet(p("users", "u1", "grant"), p("vms", "_", "get"))
	grant, get, del := p("users", "u1", "grant"), p("vms", "v1", "get"), p("vms", "v1", "delete")
	tests := []struct {
		check Check
		str   string
		want  bool
	}{
		{grant, "users/u1/grant", true},
		{del, "vms/v1/delete", false},
		{p(), "", false},
		{All(grant, get), "all(users/u1/grant, vms/v1/get)", true},
		{All(grant, del), "all(users/u1/grant, vms/v1/delete)", false},
		{Any(del, get), "any(vms/v1/delete, vms/v1/get)", true},
		{Any(del, p("vms", "v2", "delete")), "any(vms/v1/delete, vms/v2/delete)", false},
		{All(grant, Any(del, get)), "all(users/u1/grant, any(vms/v1/delete, vms/v1/get))", true},
		{Any(All(grant, del), All(get)), "any(all(users/u1/grant, vms/v1/delete), all(vms/v1/get))", true},
		{All(), "all()", false},
		{Any(), "any()", false},
		{All(grant, nil), "all(users/u1/grant, <nil>)", false},
		{Any(nil, get), "any(<nil>, vms/v1/get)", true},
		{All(grant, p()), "all(users/u1/grant, )", false},
	}
	for _, tt := range tests {
		if got := tt.check.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
		if got := tt.check.Eval(s.Allowed); got != tt.want {
			t.Errorf("%s: Eval = %v, want %v", tt.str, got, tt.want)
		}
	}
	// An empty permission fails even when the decider says yes.
	yes := func(Permission) bool { return true }
	if p().Eval(yes) || All().Eval(yes) || Any().Eval(yes) || !All(p("a")).Eval(yes) {
		t.Fatal("empty requirements must fail closed")
	}
}
