package perm

import "testing"

// p is shorthand for a permission literal in tests.
func p(elems ...string) Permission { return Permission(elems) }

// matchCases are the rows of the matching table: every example of §3.2 of
// the reference, the list matcher's own tests where ptree agrees, and the
// edge cases this package decides. Each row is checked through Match and
// through a Set holding only the grant.
var matchCases = []struct {
	name      string
	granted   Permission
	requested Permission
	want      bool
}{
	// §3.2 examples.
	{"_ matches one element", p("vms", "_", "get"), p("vms", "u1", "get"), true},
	{"_ matches exactly one element", p("vms", "_", "get"), p("vms", "u1", "x", "get"), false},
	{"trailing ... matches one", p("vms", "u1", "..."), p("vms", "u1", "start"), true},
	{"trailing ... matches several", p("vms", "u1", "..."), p("vms", "u1", "ssh", "root"), true},
	{"trailing ... never matches zero", p("vms", "u1", "..."), p("vms", "u1"), false},
	{"leading ... is a literal (list matcher only in FiFo)", p("...", "permission"), p("some", "cool", "permission"), false},
	{"_ does not stretch", p("some", "_", "permission"), p("some", "really", "cool", "permission"), false},
	// §3.2 rule table.
	{"literal", p("vms", "u1", "get"), p("vms", "u1", "get"), true},
	{"literal differs", p("vms", "u1", "get"), p("vms", "u2", "get"), false},
	{"[...] matches one element", p("..."), p("vms"), true},
	{"[...] matches anything", p("..."), p("vms", "u1", "ssh", "root"), true},
	{"vms/... matches deeper", p("vms", "..."), p("vms", "x", "get"), true},
	{"vms/... not vms", p("vms", "..."), p("vms"), false},
	{"shorter request", p("a", "b"), p("a"), false},
	{"longer request", p("a", "b"), p("a", "b", "c"), false},
	{"_ in request is a literal", p("vms", "u1", "get"), p("vms", "_", "get"), false},
	{"... in request is a literal", p("vms", "u1", "get"), p("vms", "u1", "..."), false},
	{"_ in request matches _ in grant", p("vms", "_", "get"), p("vms", "_", "get"), true},
	{"... in request matches trailing ...", p("vms", "..."), p("vms", "..."), true},
	{"... in request matches [...]", p("..."), p("..."), true},
	{"... in request matches _", p("_"), p("..."), true},
	// Mid-list ... is a literal (ptree).
	{"mid-list ... does not match one", p("some", "...", "permission"), p("some", "cool", "permission"), false},
	{"mid-list ... does not match several", p("some", "...", "permission"), p("some", "really", "cool", "permission"), false},
	{"mid-list ... matches itself", p("some", "...", "permission"), p("some", "...", "permission"), true},
	{"mid-list ... matched by _", p("some", "_", "permission"), p("some", "...", "permission"), true},
	{"... ... : only the last is a wildcard", p("...", "..."), p("...", "x", "y"), true},
	{"... ... : the first is a literal", p("...", "..."), p("x", "y"), false},
	// The list matcher's tests (libsnarlmatch), where ptree agrees.
	{"direct", p("some_permission"), p("some_permission"), true},
	{"direct mismatch", p("some_permission"), p("some_other_permission"), false},
	{"direct list", p("some", "permission"), p("some", "permission"), true},
	{"tripoint", p("..."), p("some", "permission"), true},
	{"tripoint end", p("some", "..."), p("some", "cool", "permission"), true},
	{"underscore", p("_"), p("some"), true},
	{"underscore start", p("_", "permission"), p("some", "permission"), true},
	{"underscore end", p("some", "_"), p("some", "permission"), true},
	{"underscore middle", p("some", "_", "permission"), p("some", "cool", "permission"), true},
	{"underscore only", p("_", "_"), p("a"), false},
	// Empty permissions match nothing.
	{"empty request", p("..."), p(), false},
	{"empty grant", p(), p("a"), false},
	{"both empty", p(), p(), false},
	{"nil request", p("_"), nil, false},
	// Elements are compared exactly.
	{"case matters", p("vms", "U1", "get"), p("vms", "u1", "get"), false},
	{"prefix of an element", p("vms", "u", "get"), p("vms", "u1", "get"), false},
	{"default role grant", p("datasets", "_", "get"), p("datasets", "d1", "get"), true},
}

func TestMatch(t *testing.T) {
	for _, tt := range matchCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.granted, tt.requested); got != tt.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tt.granted, tt.requested, got, tt.want)
			}
			if got := NewSet(tt.granted).Allowed(tt.requested); got != tt.want {
				t.Errorf("NewSet(%q).Allowed(%q) = %v, want %v", tt.granted, tt.requested, got, tt.want)
			}
		})
	}
}
