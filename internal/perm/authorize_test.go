package perm

import "testing"

func TestAuthorize(t *testing.T) {
	everything := NewSet(p("..."))
	vmsOnly := NewSet(p("vms", "..."), p("cloud", "vms", "_"))
	user := NewSet(p("vms", "v1", "..."), p("users", "u1", "_"), p("cloud", "vms", "create"))
	admin := NewSet(p("..."))
	tests := []struct {
		name     string
		scope    *Set
		user     *Set
		required []Permission
		want     bool
	}{
		{"legacy token, user allows", nil, user, []Permission{p("vms", "v1", "get")}, true},
		{"legacy token, user denies", nil, user, []Permission{p("vms", "v2", "get")}, false},
		{"scope * , user allows", everything, user, []Permission{p("vms", "v1", "get")}, true},
		{"scope allows, user denies", everything, user, []Permission{p("vms", "v2", "get")}, false},
		{"user allows, scope denies", vmsOnly, user, []Permission{p("users", "u1", "get")}, false},
		{"admin limited by scope", vmsOnly, admin, []Permission{p("users", "u1", "get")}, false},
		{"admin within scope", vmsOnly, admin, []Permission{p("cloud", "vms", "list")}, true},
		{"multiple: all pass", everything, user, []Permission{p("users", "u1", "grant"), p("vms", "v1", "start")}, true},
		{"multiple: one fails", everything, user, []Permission{p("users", "u1", "grant"), p("vms", "v2", "start")}, false},
		{"nothing required", everything, user, nil, false},
		{"empty permission required", nil, admin, []Permission{p()}, false},
		{"nil user", nil, nil, []Permission{p("vms", "v1", "get")}, false},
		{"empty scope", NewSet(), admin, []Permission{p("vms", "v1", "get")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Authorize(tt.scope, tt.user, tt.required...); got != tt.want {
				t.Errorf("Authorize = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAuthorizeCheckSamePermission pins that scope and user must allow the
// same alternative of an Any.
func TestAuthorizeCheckSamePermission(t *testing.T) {
	a, b := p("vms", "v1", "ssh"), p("vms", "v1", "console")
	scope, user := NewSet(a), NewSet(b)
	if AuthorizeCheck(scope, user, Any(a, b)) {
		t.Fatal("scope allowing one alternative and user the other passed")
	}
	if !AuthorizeCheck(scope, NewSet(a, b), Any(a, b)) {
		t.Fatal("an alternative allowed by both did not pass")
	}
	if AuthorizeCheck(nil, user, nil) {
		t.Fatal("nil check passed")
	}
}
