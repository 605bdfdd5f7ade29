package perm

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	long := strings.Repeat("x", MaxElementBytes)
	many := strings.TrimSuffix(strings.Repeat("a/", MaxElements), "/")
	tests := []struct {
		in      string
		want    Permission
		wantErr error
	}{
		{"vms/u1/get", p("vms", "u1", "get"), nil},
		{"...", p("..."), nil},
		{"vms/_/get", p("vms", "_", "get"), nil},
		{"cloud/vms/create", p("cloud", "vms", "create"), nil},
		{"a%2Fb/c%20d", p("a/b", "c d"), nil},
		{"a+b/%25", p("a+b", "%"), nil},
		{"%C3%A9t%C3%A9", p("été"), nil},
		{long, p(long), nil},
		{strings.Repeat("%41", MaxElementBytes), p(strings.Repeat("A", MaxElementBytes)), nil},
		{many, Permission(strings.Split(many, "/")), nil},
		{"", nil, ErrEmpty},
		{"/", nil, ErrEmptyElement},
		{"/vms/u1", nil, ErrEmptyElement},
		{"vms/u1/", nil, ErrEmptyElement},
		{"vms//get", nil, ErrEmptyElement},
		{many + "/a", nil, ErrTooLong},
		{long + "x", nil, ErrTooLong},
		{strings.Repeat("%41", MaxElementBytes+1), nil, ErrTooLong},
		{strings.Repeat("x", maxPathBytes+1), nil, ErrTooLong},
		{"vms/%zz/get", nil, ErrSyntax},
		{"vms/%4", nil, ErrSyntax},
		{"vms/%FF", nil, ErrSyntax},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		t.Run(name, func(t *testing.T) {
			got, err := ParsePath(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("ParsePath(%q) = %q, %v; want error %v", tt.in, got, err, tt.wantErr)
				}
				if got != nil {
					t.Fatalf("ParsePath(%q) returned %q with an error", tt.in, got)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("ParsePath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			back, err := ParsePath(got.Path())
			if err != nil || !back.Equal(got) {
				t.Fatalf("ParsePath(%q.Path() = %q) = %q, %v", got, got.Path(), back, err)
			}
		})
	}
}

func TestPath(t *testing.T) {
	tests := []struct {
		in   Permission
		want string
	}{
		{p("vms", "u1", "get"), "vms/u1/get"},
		{p("..."), "..."},
		{p("a/b", "c d", "e%f", "g?h"), "a%2Fb/c%20d/e%25f/g%3Fh"},
		{p(), ""},
	}
	for _, tt := range tests {
		if got := tt.in.Path(); got != tt.want {
			t.Errorf("%q.Path() = %q, want %q", []string(tt.in), got, tt.want)
		}
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%q.String() = %q, want %q", []string(tt.in), got, tt.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "perm: invalid permission: no elements"},
		{"a//b", "perm: invalid permission: empty element at index 1"},
		{"a/" + strings.Repeat("x", 300), "perm: invalid permission: too long: element 1 is 300 bytes (max 256)"},
		{strings.Repeat("a/", 40) + "a", "perm: invalid permission: too long: 41 elements (max 32)"},
		{"a/%zz", `perm: invalid permission: malformed: element 1: invalid URL escape "%zz"`},
		{"%ff", "perm: invalid permission: malformed: element 0 is not valid UTF-8"},
	}
	for _, tt := range tests {
		if _, err := ParsePath(tt.in); err == nil || err.Error() != tt.want {
			t.Errorf("ParsePath(%.20q…) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}
