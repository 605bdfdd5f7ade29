package perm

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		in      Permission
		wantErr error
	}{
		{p("vms", "u1", "get"), nil},
		{nil, ErrEmpty},
		{p(), ErrEmpty},
		{p("a", ""), ErrEmptyElement},
		{p(strings.Repeat("x", MaxElementBytes+1)), ErrTooLong},
		{Permission(make([]string, MaxElements+1)), ErrTooLong},
		{p("a", "\xff"), ErrSyntax},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if tt.wantErr == nil && err != nil {
			t.Errorf("Validate(%q) = %v, want nil", []string(tt.in), err)
		}
		if tt.wantErr != nil && (!errors.Is(err, tt.wantErr) || !errors.Is(err, ErrInvalid)) {
			t.Errorf("Validate(%q) = %v, want %v", []string(tt.in), err, tt.wantErr)
		}
	}
}

func TestHasPrefix(t *testing.T) {
	tests := []struct {
		p, prefix Permission
		want      bool
	}{
		{p("vms", "u1", "get"), p("vms", "u1"), true},
		{p("vms", "u1", "get"), p("vms", "u1", "get"), true},
		{p("vms", "u1", "get"), p(), true},
		{p("vms", "u1"), p("vms", "u1", "get"), false},
		{p("vms", "u10", "get"), p("vms", "u1"), false},
		{p("vms", "u1", "get"), p("vms", "_"), false},
	}
	for _, tt := range tests {
		if got := tt.p.HasPrefix(tt.prefix); got != tt.want {
			t.Errorf("%q.HasPrefix(%q) = %v, want %v", tt.p, tt.prefix, got, tt.want)
		}
	}
}

func TestClone(t *testing.T) {
	a := p("vms", "u1", "get")
	b := a.Clone()
	b[1] = "u2"
	if !a.Equal(p("vms", "u1", "get")) || a.Equal(b) || Permission(nil).Clone() != nil {
		t.Fatal("Clone shares memory or changes nil")
	}
}
