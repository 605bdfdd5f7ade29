package identity

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// maxNameLen bounds names of users, roles, orgs and clients.
const maxNameLen = 255

// validName checks a user, role, org or client name: 1–255 bytes of valid
// UTF-8 without control characters.
func validName(what, name string) error {
	if name == "" || len(name) > maxNameLen || !utf8.ValidString(name) {
		return fmt.Errorf("%s name %q: 1–%d bytes of UTF-8: %w", what, name, maxNameLen, ErrInvalid)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s name %q: control character: %w", what, name, ErrInvalid)
		}
	}
	return nil
}
