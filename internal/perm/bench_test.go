package perm

import (
	"fmt"
	"testing"
)

// uuid returns a deterministic UUID-shaped string for benchmarks.
func uuid(kind, i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, i)
}

// realisticUser returns the effective grants of a typical user: the
// default role of snarl-admin init, the recommended channels/_/join, and
// what creating vms VMs granted them (about 50 grants for 18 VMs), plus
// requests that handlers make for them, allowed and denied.
func realisticUser(vms int) ([]Permission, []Permission) {
	grants := []Permission{
		p("cloud", "cloud", "status"),
		p("cloud", "vms", "create"),
		p("hypervisors", "_", "create"),
		p("datasets", "_", "create"),
		p("datasets", "_", "get"),
		p("packages", "_", "get"),
		p("roles", uuid(1, 1), "get"),
		p("channels", "_", "join"),
		p("users", uuid(2, 1), "get"),
		p("users", uuid(2, 1), "passwd"),
		p("users", uuid(2, 1), "edit"),
		p("orgs", uuid(3, 1), "get"),
	}
	for _, c := range []string{"datasets", "networks", "ipranges", "packages", "roles", "orgs", "users", "vms", "hypervisors"} {
		grants = append(grants, p("cloud", c, "list"))
	}
	for i := range vms {
		grants = append(grants, p("vms", uuid(4, i), "..."))
		if i%2 == 0 {
			grants = append(grants, p("channels", uuid(4, i), "join"))
		}
	}
	reqs := []Permission{
		p("vms", uuid(4, 7), "get"),          // own VM, via "..."
		p("vms", uuid(4, 17), "snapshot"),    // own VM
		p("vms", uuid(4, 99), "get"),         // someone else's VM: denied
		p("cloud", "vms", "list"),            // collection list
		p("cloud", "users", "create"),        // denied
		p("datasets", uuid(5, 1), "get"),     // via "_"
		p("datasets", uuid(5, 1), "delete"),  // denied after trying "_"
		p("channels", uuid(4, 3), "join"),    // via "_"
		p("users", uuid(2, 1), "passwd"),     // literal
		p("hypervisors", uuid(6, 1), "edit"), // denied
	}
	return grants, reqs
}

// BenchmarkSetAllowed checks a realistic user's requests through the trie
// (set), and for comparison through Match over every grant (naive) and
// through Authorize with the scope "*". The user owns 18 VMs (48 grants);
// the vms=1000 runs show that the trie's cost does not grow with grants.
func BenchmarkSetAllowed(b *testing.B) {
	for _, vms := range []int{18, 1000} {
		grants, reqs := realisticUser(vms)
		s := NewSet(grants...)
		b.Run(fmt.Sprintf("set/vms=%d/grants=%d", vms, s.Len()), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s.Allowed(reqs[i%len(reqs)])
			}
		})
		b.Run(fmt.Sprintf("naive/vms=%d/grants=%d", vms, len(grants)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				naiveAllowed(grants, reqs[i%len(reqs)])
			}
		})
		b.Run(fmt.Sprintf("authorize/vms=%d", vms), func(b *testing.B) {
			scope := NewSet(p(Ellipsis))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				Authorize(scope, s, reqs[i%len(reqs)])
			}
		})
	}
}

// BenchmarkMatch matches one grant against one request.
func BenchmarkMatch(b *testing.B) {
	id := uuid(4, 1)
	cases := []struct {
		name string
		g, r Permission
	}{
		{"literal", p("vms", id, "get"), p("vms", id, "get")},
		{"wildcard", p("vms", "_", "get"), p("vms", id, "get")},
		{"ellipsis", p("vms", id, "..."), p("vms", id, "ssh", "root")},
		{"miss", p("vms", id, "get"), p("vms", uuid(4, 2), "get")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Match(c.g, c.r)
			}
		})
	}
}

// BenchmarkParsePath parses a typical permission path.
func BenchmarkParsePath(b *testing.B) {
	s := "vms/" + uuid(4, 1) + "/get"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePath(s); err != nil {
			b.Fatal(err)
		}
	}
}
