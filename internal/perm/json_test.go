package perm

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseJSON(t *testing.T) {
	many := "[" + strings.TrimSuffix(strings.Repeat(`"a",`, MaxElements), ",") + "]"
	tests := []struct {
		in      string
		want    Permission
		wantErr error
	}{
		{`["vms","u1","get"]`, p("vms", "u1", "get"), nil},
		{` [ "..." ] `, p("..."), nil},
		{`["a/b","\u00e9"]`, p("a/b", "é"), nil},
		{many, Permission(strings.Split(strings.Repeat("a", MaxElements), "")), nil},
		{`null`, nil, ErrEmpty},
		{`[]`, nil, ErrEmpty},
		{`[""]`, nil, ErrEmptyElement},
		{`["a",null]`, nil, ErrEmptyElement},
		{`["` + strings.Repeat("x", MaxElementBytes+1) + `"]`, nil, ErrTooLong},
		{strings.Replace(many, "[", `["a",`, 1), nil, ErrTooLong},
		{`[` + strings.Repeat(" ", maxJSONBytes) + `"a"]`, nil, ErrTooLong},
		{``, nil, ErrSyntax},
		{`"vms/u1/get"`, nil, ErrSyntax},
		{`[1]`, nil, ErrSyntax},
		{`[["a"]]`, nil, ErrSyntax},
		{`{"a":"b"}`, nil, ErrSyntax},
		{`["a"] ["b"]`, nil, ErrSyntax},
		{`["a"`, nil, ErrSyntax},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		t.Run(name, func(t *testing.T) {
			got, err := ParseJSON([]byte(tt.in))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrInvalid) || got != nil {
					t.Fatalf("ParseJSON(%s) = %q, %v; want error %v", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("ParseJSON(%s) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := ParseJSON(b); err != nil || !back.Equal(got) {
				t.Fatalf("ParseJSON(json.Marshal(%q) = %s) = %q, %v", got, b, back, err)
			}
		})
	}
}

// TestUnmarshalJSONNested checks that a permission in a request body is
// validated while the body is decoded.
func TestUnmarshalJSONNested(t *testing.T) {
	type trigger struct {
		Action     string     `json:"action"`
		Permission Permission `json:"permission"`
	}
	var tr trigger
	if err := json.Unmarshal([]byte(`{"action":"role_grant","permission":["vms","_","get"]}`), &tr); err != nil {
		t.Fatal(err)
	}
	if !tr.Permission.Equal(p("vms", "_", "get")) {
		t.Fatalf("permission = %q", tr.Permission)
	}
	// A missing field is never decoded: the caller checks it is set.
	var missing trigger
	if err := json.Unmarshal([]byte(`{"action":"x"}`), &missing); err != nil || missing.Permission != nil {
		t.Fatalf("missing field: %q, %v", missing.Permission, err)
	}
	for _, body := range []string{
		`{"permission":[]}`,
		`{"permission":["a",""]}`,
		`{"permission":"a/b"}`,
		`{"permission":null}`,
	} {
		var tr trigger
		if err := json.Unmarshal([]byte(body), &tr); !errors.Is(err, ErrInvalid) {
			t.Errorf("decoding %s: error %v does not wrap ErrInvalid", body, err)
		}
	}
}
