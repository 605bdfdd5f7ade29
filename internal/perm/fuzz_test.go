package perm

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParsePath checks that ParsePath never panics, fails only with
// ErrInvalid, and that what it accepts is valid and survives Path and
// the JSON form unchanged.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"vms/u1/get", "...", "vms/_/get", "a%2Fb/c%20d", "", "/", "a//b", "%zz", "%ff",
		strings.Repeat("a/", MaxElements), strings.Repeat("%41", MaxElementBytes),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParsePath(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || q != nil {
				t.Fatalf("ParsePath(%q) = %q, %v", s, q, err)
			}
			return
		}
		checkAccepted(t, q)
	})
}

// FuzzParseJSON is FuzzParsePath for the JSON form.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`["vms","u1","get"]`, `["..."]`, `[]`, `null`, `[""]`, `[1]`, `["a\u00e9\/"]`, `"x"`, `["\ud800"]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := ParseJSON(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || q != nil {
				t.Fatalf("ParseJSON(%q) = %q, %v", b, q, err)
			}
			return
		}
		checkAccepted(t, q)
	})
}

// checkAccepted checks a permission a parser accepted: it is valid and both
// forms give it back.
func checkAccepted(t *testing.T, q Permission) {
	t.Helper()
	if err := q.Validate(); err != nil {
		t.Fatalf("accepted %q, which is invalid: %v", q, err)
	}
	if back, err := ParsePath(q.Path()); err != nil || !back.Equal(q) {
		t.Fatalf("path round trip of %q via %q: %q, %v", q, q.Path(), back, err)
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := ParseJSON(b); err != nil || !back.Equal(q) {
		t.Fatalf("JSON round trip of %q via %s: %q, %v", q, b, back, err)
	}
}

// splitPerms decodes fuzz input: one permission per line, elements split
// on "/" without unescaping (so empty elements occur); an empty line is
// the empty permission.
func splitPerms(s string) []Permission {
	var out []Permission
	for line := range strings.SplitSeq(s, "\n") {
		if line == "" {
			out = append(out, nil)
			continue
		}
		out = append(out, Permission(strings.Split(line, "/")))
	}
	return out
}

// FuzzMatch checks that a Set agrees with the naive matcher on fuzzed
// grants and requests, before and after Remove and RevokePrefix.
func FuzzMatch(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.granted.Path(), c.requested.Path())
	}
	f.Add("vms/u1/...\nvms/_/get\n...\n\na/.../b", "vms/u1/get\nvms/u2/get\na/.../b\n_\n...")
	f.Fuzz(func(t *testing.T, grantsIn, reqsIn string) {
		grants, reqs := splitPerms(grantsIn), splitPerms(reqsIn)
		if len(grants) > 64 || len(reqs) > 64 {
			return
		}
		s := NewSet(grants...)
		var m model
		for _, g := range grants {
			m.add(g)
		}
		check := func(stage string) {
			t.Helper()
			if l := s.List(); !slices.EqualFunc(l, m, Permission.Equal) || s.Len() != len(m) {
				t.Fatalf("%s: List = %q, want %q", stage, l, m)
			}
			for _, r := range reqs {
				if got, want := s.Allowed(r), naiveAllowed(m, r); got != want {
					t.Fatalf("%s: grants %q: Allowed(%q) = %v, want %v", stage, m, r, got, want)
				}
			}
		}
		check("after add")
		for _, r := range reqs {
			if got, want := s.RevokePrefix(r), m.revokePrefix(r); got != want {
				t.Fatalf("RevokePrefix(%q) = %d, want %d", r, got, want)
			}
			check("after revoke prefix")
			if got, want := s.Remove(r), m.remove(r); got != want {
				t.Fatalf("Remove(%q) = %v, want %v", r, got, want)
			}
			check("after remove")
		}
		for _, g := range grants {
			s.Remove(g)
		}
		if s.Len() != 0 || !s.root.empty() {
			t.Fatalf("set not empty after removing every grant: %q", s.List())
		}
	})
}
