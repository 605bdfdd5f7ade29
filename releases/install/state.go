package install

import (
	"fmt"
	"slices"

	"github.com/fifogo/fifo/releases/manifest"
)

// Release is one unpacked release in the record.
type Release struct {
	// Version is the release's version.
	Version string `json:"version"`
	// Installed is set once the release has been current.
	Installed bool `json:"installed"`
}

// State is the record of a node's releases. Its methods are pure: they
// return a new State and leave the receiver unchanged.
type State struct {
	// Releases are the unpacked releases, oldest version first
	// (manifest.SortVersions).
	Releases []Release `json:"releases"`
	// Current is the release services run ("" before the first install).
	Current string `json:"current"`
	// Permanent is the release Rollback returns to ("" before the first
	// install).
	Permanent string `json:"permanent"`
	// Previous is the release that was current before the last switch,
	// while there is one to roll back to.
	Previous string `json:"previous"`
}

// Has reports whether v is unpacked.
func (s State) Has(v string) bool {
	_, ok := s.index(v)
	return ok
}

func (s State) index(v string) (int, bool) {
	for i, r := range s.Releases {
		if r.Version == v {
			return i, true
		}
	}
	return 0, false
}

func (s State) clone() State {
	s.Releases = slices.Clone(s.Releases)
	return s
}

// AddUnpacked records v as unpacked.
func (s State) AddUnpacked(v string) (State, error) {
	if s.Has(v) {
		return s, fmt.Errorf("%w: %s", ErrExists, v)
	}
	n := s.clone()
	n.Releases = append(n.Releases, Release{Version: v})
	vs := make([]string, len(n.Releases))
	for i, r := range n.Releases {
		vs[i] = r.Version
	}
	manifest.SortVersions(vs)
	slices.SortFunc(n.Releases, func(a, b Release) int {
		return slices.Index(vs, a.Version) - slices.Index(vs, b.Version)
	})
	return n, nil
}

// Install makes v current; it must be unpacked. The release that was
// current becomes Previous; the first install also makes v permanent.
// Installing the current release changes nothing.
func (s State) Install(v string) (State, error) {
	i, ok := s.index(v)
	if !ok {
		return s, fmt.Errorf("%w: %s", ErrNotUnpacked, v)
	}
	if v == s.Current {
		return s, nil
	}
	return s.switchTo(i, s.Current), nil
}

// switchTo makes release i current with the given Previous.
func (s State) switchTo(i int, previous string) State {
	n := s.clone()
	n.Releases[i].Installed = true
	n.Previous = previous
	n.Current = n.Releases[i].Version
	if n.Permanent == "" {
		n.Permanent = n.Current
	}
	return n
}

// MakePermanent makes v, which must be current, the permanent release.
func (s State) MakePermanent(v string) (State, error) {
	if !s.Has(v) {
		return s, fmt.Errorf("%w: %s", ErrNotUnpacked, v)
	}
	if v != s.Current {
		return s, fmt.Errorf("%w: %s is not current (current: %s); install it first", ErrNotCurrent, v, orNone(s.Current))
	}
	n := s.clone()
	n.Permanent = v
	return n, nil
}

// Rollback returns to the permanent release when another one is current;
// when the permanent one is current, it returns to the previous release
// and makes it permanent. Either way Previous is cleared: a second
// rollback does not undo the first.
func (s State) Rollback() (State, error) {
	target := s.Permanent
	if s.Current == s.Permanent {
		target = s.Previous
	}
	i, ok := s.index(target)
	if s.Current == "" || target == "" || !ok {
		return s, fmt.Errorf("%w: current %s, permanent %s, no previous release", ErrNoRollback, orNone(s.Current), orNone(s.Permanent))
	}
	n := s.switchTo(i, "")
	n.Permanent = target
	return n, nil
}

// Validate checks the record's invariants: versions valid and unique,
// sorted, Current, Permanent and Previous unpacked (or empty), Current and
// Permanent both set or both empty, installed where they must be.
func (s State) Validate() error {
	vs := make([]string, len(s.Releases))
	for i, r := range s.Releases {
		if !manifest.ValidVersion(r.Version) || reserved(r.Version) {
			return fmt.Errorf("%w: version %q", ErrRecord, r.Version)
		}
		vs[i] = r.Version
	}
	sorted := slices.Clone(vs)
	manifest.SortVersions(sorted)
	if !slices.Equal(vs, sorted) || len(slices.Compact(sorted)) != len(vs) {
		return fmt.Errorf("%w: releases %v not sorted or listed twice", ErrRecord, vs)
	}
	for name, v := range map[string]string{"current": s.Current, "permanent": s.Permanent, "previous": s.Previous} {
		i, ok := s.index(v)
		if v != "" && !ok {
			return fmt.Errorf("%w: %s release %s is not unpacked", ErrRecord, name, v)
		}
		if v != "" && name != "previous" && !s.Releases[i].Installed {
			return fmt.Errorf("%w: %s release %s was never installed", ErrRecord, name, v)
		}
	}
	if (s.Current == "") != (s.Permanent == "") || s.Previous != "" && s.Previous == s.Current {
		return fmt.Errorf("%w: current %q, permanent %q, previous %q", ErrRecord, s.Current, s.Permanent, s.Previous)
	}
	return nil
}

// Entry is one line of List.
type Entry struct {
	// Version is the release's version.
	Version string
	// Installed, Current, Permanent and Previous are its marks.
	Installed, Current, Permanent, Previous bool
}

// Entries lists the unpacked releases with their marks, oldest first.
func (s State) Entries() []Entry {
	out := make([]Entry, 0, len(s.Releases))
	for _, r := range s.Releases {
		out = append(out, Entry{Version: r.Version, Installed: r.Installed, Current: r.Version == s.Current,
			Permanent: r.Version == s.Permanent, Previous: r.Version == s.Previous})
	}
	return out
}

func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}
