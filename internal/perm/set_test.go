package perm

import (
	"slices"
	"sync"
	"testing"
)

func TestSetZeroValue(t *testing.T) {
	var s Set
	if s.Allowed(p("a")) || s.Len() != 0 || s.List() != nil || s.Has(p("a")) {
		t.Fatal("zero Set is not empty")
	}
	if !s.Add(p("a")) || !s.Allowed(p("a")) {
		t.Fatal("zero Set is not usable")
	}
}

func TestSetNil(t *testing.T) {
	var s *Set
	if s.Allowed(p("a")) || s.Len() != 0 || s.List() != nil || s.Has(p("a")) ||
		s.Remove(p("a")) || s.RevokePrefix(p("a")) != 0 {
		t.Fatal("nil Set is not an empty set")
	}
}

func TestSetAddRemove(t *testing.T) {
	s := NewSet()
	for _, g := range []Permission{p("vms", "u1", "..."), p("vms", "_", "get"), p("..."), p("a", "...", "b")} {
		if !s.Add(g) {
			t.Fatalf("Add(%q) = false on first add", g)
		}
		if s.Add(g) {
			t.Fatalf("Add(%q) = true on second add", g)
		}
		if !s.Has(g) {
			t.Fatalf("Has(%q) = false after Add", g)
		}
	}
	if s.Add(p()) || s.Add(nil) || s.Len() != 4 {
		t.Fatalf("empty grant added, Len = %d", s.Len())
	}
	if s.Remove(p("vms", "u1")) || s.Remove(p("vms", "u1", "get")) || s.Remove(p()) {
		t.Fatal("Remove of a grant not held reported true")
	}
	// Remove is exact: the covering grant ["..."] stays.
	if !s.Remove(p("vms", "_", "get")) || s.Has(p("vms", "_", "get")) || !s.Allowed(p("vms", "u2", "get")) {
		t.Fatal("Remove is not exact")
	}
	if !s.Remove(p("...")) || s.Allowed(p("vms", "u2", "get")) || !s.Allowed(p("vms", "u1", "get")) {
		t.Fatal("Remove of [...] went wrong")
	}
	if !s.Remove(p("vms", "u1", "...")) || !s.Remove(p("a", "...", "b")) || s.Len() != 0 {
		t.Fatalf("Len = %d after removing everything", s.Len())
	}
	if !s.root.empty() {
		t.Fatal("trie not pruned after removing everything")
	}
}

func TestSetCopiesGrant(t *testing.T) {
	g := p("vms", "u1", "get")
	s := NewSet(g)
	g[1] = "u2"
	if !s.Allowed(p("vms", "u1", "get")) || s.Allowed(p("vms", "u2", "get")) {
		t.Fatal("Set shares memory with a granted permission")
	}
	l := s.List()
	l[0][1] = "u3"
	if !s.Has(p("vms", "u1", "get")) {
		t.Fatal("Set shares memory with List")
	}
}

func TestSetRevokePrefix(t *testing.T) {
	grants := []Permission{
		p("vms", "u1", "..."),
		p("vms", "u1", "get"),
		p("vms", "u1"),
		p("vms", "u10", "get"),
		p("vms", "_", "get"),
		p("vms", "..."),
		p("vms", "...", "x"),
		p("channels", "u1", "join"),
		p("channels", "_", "join"),
		p("cloud", "vms", "create"),
	}
	tests := []struct {
		prefix Permission
		want   []Permission // what remains
	}{
		{p("vms", "u1"), []Permission{
			p("channels", "_", "join"), p("channels", "u1", "join"), p("cloud", "vms", "create"),
			p("vms", "..."), p("vms", "...", "x"), p("vms", "_", "get"), p("vms", "u10", "get"),
		}},
		{p("channels", "u1"), []Permission{
			p("channels", "_", "join"), p("cloud", "vms", "create"),
			p("vms", "..."), p("vms", "...", "x"), p("vms", "_", "get"),
			p("vms", "u1"), p("vms", "u1", "..."), p("vms", "u1", "get"), p("vms", "u10", "get"),
		}},
		{p("vms", "_"), []Permission{
			p("channels", "_", "join"), p("channels", "u1", "join"), p("cloud", "vms", "create"),
			p("vms", "..."), p("vms", "...", "x"),
			p("vms", "u1"), p("vms", "u1", "..."), p("vms", "u1", "get"), p("vms", "u10", "get"),
		}},
		{p("vms", "..."), []Permission{
			p("channels", "_", "join"), p("channels", "u1", "join"), p("cloud", "vms", "create"),
			p("vms", "_", "get"),
			p("vms", "u1"), p("vms", "u1", "..."), p("vms", "u1", "get"), p("vms", "u10", "get"),
		}},
		{p("vms"), []Permission{
			p("channels", "_", "join"), p("channels", "u1", "join"), p("cloud", "vms", "create"),
		}},
		{p("vms", "u1", "get", "x"), grants},
		{p("nope"), grants},
		{p(), grants},
	}
	for _, tt := range tests {
		t.Run(tt.prefix.String(), func(t *testing.T) {
			s := NewSet(grants...)
			k := s.RevokePrefix(tt.prefix)
			want := slices.Clone(tt.want)
			slices.SortFunc(want, func(a, b Permission) int { return slices.Compare(a, b) })
			if got := s.List(); !slices.EqualFunc(got, want, Permission.Equal) {
				t.Fatalf("after RevokePrefix(%q):\n got %q\nwant %q", tt.prefix, got, want)
			}
			if k != len(grants)-len(tt.want) || s.Len() != len(tt.want) {
				t.Fatalf("RevokePrefix returned %d, Len %d; want %d, %d", k, s.Len(), len(grants)-len(tt.want), len(tt.want))
			}
		})
	}
}

func TestSetList(t *testing.T) {
	s := NewSet(p("b"), p("a", "..."), p("a", "_"), p("a"), p("a", "b", "c"), p("_"), p("..."))
	want := []Permission{p("..."), p("_"), p("a"), p("a", "..."), p("a", "_"), p("a", "b", "c"), p("b")}
	if got := s.List(); !slices.EqualFunc(got, want, Permission.Equal) {
		t.Fatalf("List = %q, want %q", got, want)
	}
}

// TestDefaultRole checks the grants snarl-admin init gives the default
// role and a VM creator (§3.3) against the requests the handlers make.
func TestDefaultRole(t *testing.T) {
	s := NewSet(
		p("cloud", "cloud", "status"),
		p("cloud", "vms", "list"),
		p("cloud", "vms", "create"),
		p("hypervisors", "_", "create"),
		p("datasets", "_", "get"),
		p("packages", "_", "get"),
		p("roles", "r1", "get"),
		p("channels", "_", "join"),
		p("vms", "v1", "..."), // granted on VM create
	)
	tests := []struct {
		req  Permission
		want bool
	}{
		{p("cloud", "vms", "list"), true},
		{p("cloud", "users", "list"), false},
		{p("datasets", "d1", "get"), true},
		{p("datasets", "d1", "delete"), false},
		{p("roles", "r1", "get"), true},
		{p("roles", "r2", "get"), false},
		{p("vms", "v1", "console"), true},
		{p("vms", "v1", "ssh", "root"), true},
		{p("vms", "v1"), false},
		{p("vms", "v2", "get"), false},
		{p("channels", "v2", "join"), true},
	}
	for _, tt := range tests {
		if got := s.Allowed(tt.req); got != tt.want {
			t.Errorf("Allowed(%q) = %v, want %v", tt.req, got, tt.want)
		}
	}
	if n := s.RevokePrefix(p("vms", "v1")); n != 1 || s.Allowed(p("vms", "v1", "console")) {
		t.Fatalf("VM delete revoked %d grants", n)
	}
}

// TestSetConcurrentReaders backs the documented guarantee that readers
// may share a Set nobody mutates (run with -race).
func TestSetConcurrentReaders(t *testing.T) {
	s := NewSet(p("vms", "_", "get"), p("vms", "v1", "..."), p("cloud", "vms", "list"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				if !s.Allowed(p("vms", "v2", "get")) || s.Allowed(p("vms", "v2", "delete")) ||
					!s.Has(p("cloud", "vms", "list")) || len(s.List()) != 3 || s.Len() != 3 {
					t.Error("concurrent readers disagree")
					return
				}
			}
		})
	}
	wg.Wait()
}
