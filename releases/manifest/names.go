package manifest

import "strings"

// Fixed names inside a release tarball.
const (
	// Path is where the manifest lives in a tarball.
	Path = "manifest.json"
	// SumsPath is where the checksums file lives in a tarball.
	SumsPath = "SHA256SUMS"
)

// Limits on names, so that a hostile manifest cannot make paths or
// messages of any size.
const (
	maxVersionLen = 64
	maxNameLen    = 32
	maxPathLen    = 255
	maxTextLen    = 128
)

// ValidVersion reports whether v can name a release: 1 to 64 characters
// from [A-Za-z0-9._+-], starting with a letter or digit. Such a name is safe
// as a directory and file name component.
func ValidVersion(v string) bool {
	if v == "" || len(v) > maxVersionLen || !alnum(v[0]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !alnum(c) && c != '.' && c != '_' && c != '+' && c != '-' {
			return false
		}
	}
	return true
}

// validName reports whether s is a lower-case identifier: a product,
// release, application, entity type, OS or architecture name.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || !lowerAlnum(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !lowerAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// ValidPath reports whether p can name a file in a release: a clean,
// relative, slash-separated path of at most 255 bytes whose elements are
// made of [A-Za-z0-9._+-] and do not start with a dot; manifest.json and
// SHA256SUMS themselves are not valid file paths (they are not listed in
// the manifest).
func ValidPath(p string) bool {
	if p == "" || len(p) > maxPathLen || p == Path || p == SumsPath {
		return false
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == "" || elem[0] == '.' {
			return false
		}
		for i := 0; i < len(elem); i++ {
			c := elem[i]
			if !alnum(c) && c != '.' && c != '_' && c != '+' && c != '-' {
				return false
			}
		}
	}
	return true
}

// validText reports whether s is short printable ASCII (commit, date, Go
// version).
func validText(s string) bool {
	if len(s) > maxTextLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func alnum(c byte) bool {
	return lowerAlnum(c) || c >= 'A' && c <= 'Z'
}

func lowerAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
