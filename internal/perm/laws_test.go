package perm

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// grantAlphabet is small so that random grants and requests collide: two
// literals, both wildcards. Requests add a literal no grant holds.
var (
	grantAlphabet   = []string{"a", "b", Wildcard, Ellipsis}
	requestAlphabet = []string{"a", "b", "x", Wildcard, Ellipsis}
)

// permGen draws permissions of 0 to maxLen elements from alphabet.
func permGen(alphabet []string, maxLen int) *rapid.Generator[Permission] {
	return rapid.Custom(func(t *rapid.T) Permission {
		return Permission(rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, maxLen).Draw(t, "elems"))
	})
}

// naiveAllowed is the reference: any grant matches.
func naiveAllowed(grants []Permission, req Permission) bool {
	return slices.ContainsFunc(grants, func(g Permission) bool { return Match(g, req) })
}

// allRequests returns every request of 1 to maxLen elements over alphabet.
func allRequests(alphabet []string, maxLen int) []Permission {
	var out []Permission
	level := []Permission{nil}
	for range maxLen {
		var next []Permission
		for _, q := range level {
			for _, e := range alphabet {
				next = append(next, append(slices.Clone(q), e))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

// model is the reference Set: a sorted list of distinct grants.
type model []Permission

func (m model) index(g Permission) (int, bool) {
	return slices.BinarySearchFunc(m, g, func(a, b Permission) int { return slices.Compare(a, b) })
}

func (m *model) add(g Permission) bool {
	i, found := m.index(g)
	if len(g) == 0 || found {
		return false
	}
	*m = slices.Insert(*m, i, g.Clone())
	return true
}

func (m *model) remove(g Permission) bool {
	i, found := m.index(g)
	if len(g) == 0 || !found {
		return false
	}
	*m = slices.Delete(*m, i, i+1)
	return true
}

func (m *model) revokePrefix(prefix Permission) int {
	if len(prefix) == 0 {
		return 0
	}
	n := len(*m)
	*m = slices.DeleteFunc(*m, func(g Permission) bool { return g.HasPrefix(prefix) })
	return n - len(*m)
}

// TestSetEqualsNaive is the law that makes the trie trustworthy: after any
// history of Add, Remove and RevokePrefix, Set.Allowed(r) equals "some
// grant matches r" for every short request, and the set holds exactly the
// model's grants.
func TestSetEqualsNaive(t *testing.T) {
	exhaustive := allRequests(requestAlphabet, 3)
	grant := permGen(grantAlphabet, 4)
	rapid.Check(t, func(t *rapid.T) {
		var s Set
		var m model
		for step := range rapid.IntRange(1, 30).Draw(t, "steps") {
			g := grant.Draw(t, fmt.Sprint("arg", step))
			var got, want int
			op := rapid.SampledFrom([]string{"add", "add", "add", "remove", "revoke"}).Draw(t, fmt.Sprint("op", step))
			switch op {
			case "add":
				got, want = b2i(s.Add(g)), b2i(m.add(g))
			case "remove":
				if len(m) > 0 && rapid.Bool().Draw(t, fmt.Sprint("held", step)) {
					g = m[rapid.IntRange(0, len(m)-1).Draw(t, fmt.Sprint("which", step))].Clone()
				}
				got, want = b2i(s.Remove(g)), b2i(m.remove(g))
			case "revoke":
				got, want = s.RevokePrefix(g), m.revokePrefix(g)
			}
			if got != want {
				t.Fatalf("step %d: %s(%q) returned %d, want %d", step, op, g, got, want)
			}
			if l := s.List(); !slices.EqualFunc(l, m, Permission.Equal) || s.Len() != len(m) {
				t.Fatalf("step %d: List = %q (Len %d), want %q", step, l, s.Len(), m)
			}
			for _, r := range exhaustive {
				if got, want := s.Allowed(r), naiveAllowed(m, r); got != want {
					t.Fatalf("step %d: grants %q: Allowed(%q) = %v, want %v", step, m, r, got, want)
				}
			}
			r := permGen(requestAlphabet, 6).Draw(t, fmt.Sprint("req", step))
			if got, want := s.Allowed(r), naiveAllowed(m, r); got != want {
				t.Fatalf("step %d: grants %q: Allowed(%q) = %v, want %v", step, m, r, got, want)
			}
		}
		if s.Len() == 0 && !s.root.empty() {
			t.Fatal("trie not pruned although the set is empty")
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestMatchLaws checks laws of Match that do not depend on a table.
func TestMatchLaws(t *testing.T) {
	gen := permGen(requestAlphabet, 6)
	t.Run("reflexive", rapid.MakeCheck(func(t *rapid.T) {
		q := gen.Draw(t, "p")
		if got := Match(q, q); got != (len(q) > 0) {
			t.Fatalf("Match(%q, %q) = %v", q, q, got)
		}
	}))
	t.Run("[...] allows every non-empty request", rapid.MakeCheck(func(t *rapid.T) {
		q := gen.Draw(t, "p")
		if got := Match(p(Ellipsis), q); got != (len(q) > 0) {
			t.Fatalf("Match([...], %q) = %v", q, got)
		}
	}))
	t.Run("wildcards only widen", rapid.MakeCheck(func(t *rapid.T) {
		g, r := gen.Draw(t, "g"), gen.Draw(t, "r")
		if !Match(g, r) {
			return
		}
		i := rapid.IntRange(0, len(g)-1).Draw(t, "i")
		if i == len(g)-1 && g[i] == Ellipsis {
			return // the trailing "..." is already the widest element
		}
		one := slices.Clone(g)
		one[i] = Wildcard
		if !Match(one, r) {
			t.Fatalf("Match(%q, %q) but not Match(%q, %q)", g, r, one, r)
		}
		rest := append(slices.Clone(g[:i]), Ellipsis)
		if !Match(rest, r) {
			t.Fatalf("Match(%q, %q) but not Match(%q, %q)", g, r, rest, r)
		}
	}))
	t.Run("requested wildcards are literals", rapid.MakeCheck(func(t *rapid.T) {
		// A grant without wildcards matches only itself.
		g := permGen([]string{"a", "b"}, 4).Draw(t, "g")
		r := gen.Draw(t, "r")
		if got, want := Match(g, r), len(g) > 0 && g.Equal(r); got != want {
			t.Fatalf("Match(%q, %q) = %v, want %v", g, r, got, want)
		}
	}))
}

// TestAuthorizeLaws checks Authorize against its definition and against
// AuthorizeCheck with All.
func TestAuthorizeLaws(t *testing.T) {
	grant := permGen(grantAlphabet, 3)
	req := permGen(requestAlphabet, 3)
	rapid.Check(t, func(t *rapid.T) {
		var scope *Set
		scopeGrants := rapid.SliceOfN(grant, 0, 3).Draw(t, "scope")
		if rapid.Bool().Draw(t, "has scope") {
			scope = NewSet(scopeGrants...)
		}
		userGrants := rapid.SliceOfN(grant, 0, 6).Draw(t, "user")
		user := NewSet(userGrants...)
		required := rapid.SliceOfN(req, 0, 3).Draw(t, "required")

		want := len(required) > 0
		for _, r := range required {
			inScope := scope == nil || naiveAllowed(scopeGrants, r)
			want = want && inScope && naiveAllowed(userGrants, r)
		}
		checks := make([]Check, len(required))
		for i, r := range required {
			checks[i] = r
		}
		if got := Authorize(scope, user, required...); got != want {
			t.Fatalf("Authorize(%v, %q, %q) = %v, want %v", scopeGrants, userGrants, required, got, want)
		}
		if got := AuthorizeCheck(scope, user, All(checks...)); got != want {
			t.Fatalf("AuthorizeCheck(All) = %v, want %v", got, want)
		}
	})
}
