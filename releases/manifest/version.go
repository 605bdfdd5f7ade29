package manifest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// version is a parsed semantic version with git-describe's distance.
type version struct {
	core  [3]uint64
	pre   []string // pre-release identifiers; none for a release
	ahead uint64   // commits after the tag (git describe's N)
}

// parseVersion reads a semantic version (https://semver.org), with an
// optional leading "v", build metadata ("+…") ignored, a trailing "-dirty"
// ignored, and git describe's "-N-gHEX" suffix read as N commits after the
// version before it: "v1.2.3-4-gabc123-dirty" is 1.2.3 plus 4 commits.
func parseVersion(s string) (version, bool) {
	var v version
	if len(s) > maxVersionLen {
		return v, false
	}
	if len(s) > 1 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9' {
		s = s[1:]
	}
	if i := strings.IndexByte(s, '+'); i >= 0 {
		if !identifiers(s[i+1:], false) {
			return v, false
		}
		s = s[:i]
	}
	s = strings.TrimSuffix(s, "-dirty")
	core, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, ok := number(p)
		if !ok {
			return v, false
		}
		v.core[i] = n
	}
	if !hasPre {
		return v, true
	}
	if rest, n, ok := describeSuffix(pre); ok {
		v.ahead = n
		if rest == "" {
			return v, true
		}
		pre = rest
	}
	if !identifiers(pre, true) {
		return v, false
	}
	v.pre = strings.Split(pre, ".")
	return v, true
}

// describeSuffix splits "rc.1-4-gabc123" into "rc.1" and 4, and
// "4-gabc123" into "" and 4.
func describeSuffix(pre string) (rest string, n uint64, ok bool) {
	i := strings.LastIndex(pre, "-g")
	if i < 0 {
		return "", 0, false
	}
	hash := pre[i+2:]
	if len(hash) < 4 || len(hash) > 40 || strings.Trim(hash, "0123456789abcdef") != "" {
		return "", 0, false
	}
	head := pre[:i]
	j := strings.LastIndexByte(head, '-')
	count := head[j+1:]
	n, ok = number(count)
	if !ok {
		return "", 0, false
	}
	if j < 0 {
		return "", n, true
	}
	return head[:j], n, head[:j] != ""
}

// number parses a semver numeric identifier: digits, no leading zero.
func number(s string) (uint64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// identifiers checks dot-separated semver identifiers; numeric ones must
// have no leading zero when strict (pre-release, not build metadata).
func identifiers(s string, strict bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			if !alnum(id[i]) && id[i] != '-' {
				return false
			}
		}
		if strict && strings.Trim(id, "0123456789") == "" && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

// compare orders two parsed versions: core, then a pre-release before its
// release, then fewer commits after the tag first.
func compare(a, b version) int {
	for i := range a.core {
		if c := cmpUint(a.core[i], b.core[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a.pre) == 0 && len(b.pre) > 0:
		return 1
	case len(a.pre) > 0 && len(b.pre) == 0:
		return -1
	}
	if c := comparePre(a.pre, b.pre); c != 0 {
		return c
	}
	return cmpUint(a.ahead, b.ahead)
}

// comparePre applies semver's rules to pre-release identifiers.
func comparePre(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, aNum := number(a[i])
		bn, bNum := number(b[i])
		var c int
		switch {
		case aNum && bNum:
			c = cmpUint(an, bn)
		case aNum:
			c = -1
		case bNum:
			c = 1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmpUint(uint64(len(a)), uint64(len(b)))
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Ordered reports whether v is a version Compare can order.
func Ordered(v string) bool {
	_, ok := parseVersion(v)
	return ok
}

// Compare returns -1, 0 or +1 as a is older than, as old as, or newer than
// b. Versions that are not semantic versions (see package doc) cannot be
// compared: the error wraps ErrUnordered.
func Compare(a, b string) (int, error) {
	va, ok := parseVersion(a)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrUnordered, a)
	}
	vb, ok := parseVersion(b)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrUnordered, b)
	}
	return compare(va, vb), nil
}

// SortVersions sorts vs oldest first: ordered versions by Compare (ties
// by name), then the unordered ones by name.
func SortVersions(vs []string) {
	slices.SortFunc(vs, func(a, b string) int {
		va, aok := parseVersion(a)
		vb, bok := parseVersion(b)
		switch {
		case aok && bok:
			if c := compare(va, vb); c != 0 {
				return c
			}
		case aok:
			return -1
		case bok:
			return 1
		}
		return strings.Compare(a, b)
	})
}
