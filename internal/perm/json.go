package perm

import (
	"encoding/json"
	"fmt"
)

// maxJSONBytes bounds the input of ParseJSON: room for MaxElements
// elements of MaxElementBytes bytes, each byte written as a \uXXXX escape.
const maxJSONBytes = 64 << 10

// ParseJSON parses the JSON form of a permission, an array of strings such
// as ["vms","<uuid>","get"]. The result is valid (see Permission.Validate);
// the error wraps ErrInvalid. JSON null is ErrEmpty. Input over 64 KiB is
// rejected before decoding. As with encoding/json, invalid UTF-8 inside a
// string becomes U+FFFD. json.Marshal of a valid permission is accepted
// and gives it back.
func ParseJSON(b []byte) (Permission, error) {
	if len(b) > maxJSONBytes {
		return nil, fmt.Errorf("%w: %d bytes of JSON (max %d)", ErrTooLong, len(b), maxJSONBytes)
	}
	var elems []string
	if err := json.Unmarshal(b, &elems); err != nil {
		return nil, fmt.Errorf("%w: not a JSON array of strings: %v", ErrSyntax, err)
	}
	p := Permission(elems)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// UnmarshalJSON implements json.Unmarshaler with ParseJSON, so permissions
// nested in request bodies are validated as they are decoded; JSON null is
// rejected with ErrEmpty. A missing field is not decoded at all, so callers
// still check that a required permission field is set.
func (p *Permission) UnmarshalJSON(b []byte) error {
	q, err := ParseJSON(b)
	if err != nil {
		return err
	}
	*p = q
	return nil
}
