package perm

import (
	"fmt"
	"net/url"
	"strings"
)

// maxPathBytes bounds the input of ParsePath: MaxElements elements of
// MaxElementBytes bytes, every byte percent-encoded, plus the slashes.
const maxPathBytes = MaxElements * (3*MaxElementBytes + 1)

// ParsePath parses the path form of a permission, "vms/<uuid>/get": the
// elements are the slash-separated segments, each URL-unescaped (so an
// element may hold "/" as %2F). There is no leading or trailing slash;
// either one, like "a//b", is an empty element and rejected. The result is
// valid (see Permission.Validate); the error wraps ErrInvalid.
func ParsePath(s string) (Permission, error) {
	if s == "" {
		return nil, ErrEmpty
	}
	if len(s) > maxPathBytes {
		return nil, fmt.Errorf("%w: path of %d bytes (max %d)", ErrTooLong, len(s), maxPathBytes)
	}
	if n := strings.Count(s, "/") + 1; n > MaxElements {
		return nil, fmt.Errorf("%w: %d elements (max %d)", ErrTooLong, n, MaxElements)
	}
	segs := strings.Split(s, "/")
	p := make(Permission, len(segs))
	for i, seg := range segs {
		e, err := url.PathUnescape(seg)
		if err != nil {
			return nil, fmt.Errorf("%w: element %d: %v", ErrSyntax, i, err)
		}
		if err := validElement(i, e); err != nil {
			return nil, err
		}
		p[i] = e
	}
	return p, nil
}

// Path returns the path form of p, the inverse of ParsePath: elements
// URL-escaped (url.PathEscape) and joined by "/". For every valid p,
// ParsePath(p.Path()) equals p.
func (p Permission) Path() string {
	var b strings.Builder
	for i, e := range p {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(e))
	}
	return b.String()
}

// String returns the path form of p, for logs and error messages.
func (p Permission) String() string {
	return p.Path()
}
