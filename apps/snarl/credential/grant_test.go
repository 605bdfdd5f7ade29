package credential

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func TestKind(t *testing.T) {
	tests := []struct {
		k          Kind
		name       string
		valid, one bool
	}{
		{0, "kind(0)", false, false},
		{KindAccess, "access", true, false},
		{KindRefresh, "refresh", true, false},
		{KindCode, "code", true, true},
		{KindOneTime, "one_time", true, true},
		{KindMFA, "mfa", true, true},
		{KindAPIKey, "api_key", true, false},
		{7, "kind(7)", false, false},
		{255, "kind(255)", false, false},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.name {
			t.Errorf("Kind(%d).String() = %q, want %q", tt.k, got, tt.name)
		}
		if got := tt.k.Valid(); got != tt.valid {
			t.Errorf("Kind(%d).Valid() = %v", tt.k, got)
		}
		if got := tt.k.SingleUse(); got != tt.one {
			t.Errorf("Kind(%d).SingleUse() = %v", tt.k, got)
		}
	}
	// The numbers are stored: pin them.
	if KindAccess != 1 || KindRefresh != 2 || KindCode != 3 || KindOneTime != 4 || KindMFA != 5 || KindAPIKey != 6 {
		t.Fatal("kind numbers changed")
	}
}

func TestGrantExpired(t *testing.T) {
	tests := []struct {
		name    string
		expires time.Time
		now     time.Time
		want    bool
	}{
		{"never", time.Time{}, t0.Add(100 * 365 * 24 * time.Hour), false},
		{"before", t0.Add(time.Hour), t0, false},
		{"one ns before", t0.Add(time.Hour), t0.Add(time.Hour - 1), false},
		{"at expiry", t0.Add(time.Hour), t0.Add(time.Hour), true},
		{"after", t0.Add(time.Hour), t0.Add(2 * time.Hour), true},
		{"other zone, same instant", t0.Add(time.Hour), t0.Add(time.Hour).In(time.FixedZone("x", 3600)), true},
	}
	for _, tt := range tests {
		g := Grant{Kind: KindAccess, IssuedAt: t0, ExpiresAt: tt.expires}
		if got := g.Expired(tt.now); got != tt.want {
			t.Errorf("%s: Expired = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestOptionsValidFor(t *testing.T) {
	def := Options{}
	want := map[Kind]time.Duration{
		KindAccess:  time.Hour,
		KindRefresh: 30 * 24 * time.Hour,
		KindCode:    60 * time.Second,
		KindOneTime: 30 * time.Second,
		KindMFA:     120 * time.Second,
		KindAPIKey:  0,
		0:           -1,
		99:          -1,
	}
	for k, w := range want {
		if got := def.ValidFor(k); got != w {
			t.Errorf("ValidFor(%v) = %v, want %v", k, got, w)
		}
	}
	o := Options{AccessTTL: 5 * time.Minute, RefreshTTL: time.Hour, CodeTTL: time.Second, OneTimeTTL: 2 * time.Second, MFATTL: 3 * time.Second}
	for k, w := range map[Kind]time.Duration{KindAccess: 5 * time.Minute, KindRefresh: time.Hour, KindCode: time.Second, KindOneTime: 2 * time.Second, KindMFA: 3 * time.Second, KindAPIKey: 0} {
		if got := o.ValidFor(k); got != w {
			t.Errorf("custom ValidFor(%v) = %v, want %v", k, got, w)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name  string
		o     Options
		names []string // each must be named in the error; nil = valid
	}{
		{"zero", Options{}, nil},
		{"custom", Options{AccessTTL: time.Minute, RefreshTTL: time.Minute, CodeTTL: MaxSingleUseTTL}, nil},
		{"negative access", Options{AccessTTL: -time.Second}, []string{"AccessTTL"}},
		{"long code", Options{CodeTTL: time.Hour}, []string{"CodeTTL"}},
		{"refresh shorter than access", Options{AccessTTL: 2 * time.Hour, RefreshTTL: time.Hour}, []string{"RefreshTTL"}},
		{"all at once", Options{RefreshTTL: -1, CodeTTL: -1, OneTimeTTL: time.Hour, MFATTL: time.Hour},
			[]string{"RefreshTTL", "CodeTTL", "OneTimeTTL", "MFATTL", "shorter"}},
	}
	for _, tt := range tests {
		err := tt.o.Validate()
		if tt.names == nil {
			if err != nil {
				t.Errorf("%s: Validate = %v", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%s: Validate = %v, want ErrInvalidParams", tt.name, err)
			continue
		}
		for _, n := range tt.names {
			if !strings.Contains(err.Error(), n) {
				t.Errorf("%s: %v does not name %s", tt.name, err, n)
			}
		}
	}
}

func TestNewGrant(t *testing.T) {
	scopes := []string{"*"}
	tests := []struct {
		kind    Kind
		expires time.Time
	}{
		{KindAccess, t0.Add(time.Hour)},
		{KindRefresh, t0.Add(30 * 24 * time.Hour)},
		{KindCode, t0.Add(time.Minute)},
		{KindOneTime, t0.Add(30 * time.Second)},
		{KindMFA, t0.Add(2 * time.Minute)},
		{KindAPIKey, time.Time{}},
	}
	for _, tt := range tests {
		g, err := Options{}.NewGrant(tt.kind, "user-uuid", "client-id", scopes, t0)
		if err != nil {
			t.Fatalf("%v: %v", tt.kind, err)
		}
		if g.Kind != tt.kind || g.User != "user-uuid" || g.Client != "client-id" || !g.IssuedAt.Equal(t0) || !g.ExpiresAt.Equal(tt.expires) {
			t.Errorf("%v: NewGrant = %+v", tt.kind, g)
		}
		if g.Expired(t0) {
			t.Errorf("%v: expired at issue", tt.kind)
		}
		if !tt.expires.IsZero() && !g.Expired(tt.expires) {
			t.Errorf("%v: not expired at %v", tt.kind, tt.expires)
		}
	}
	g, _ := Options{}.NewGrant(KindAccess, "u", "c", scopes, t0)
	scopes[0] = "changed"
	if g.Scopes[0] != "*" {
		t.Error("NewGrant aliases the scopes slice")
	}
	for _, k := range []Kind{0, 7} {
		if _, err := (Options{}).NewGrant(k, "u", "c", nil, t0); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("NewGrant(kind %d) = %v", k, err)
		}
	}
	if _, err := (Options{AccessTTL: -time.Hour}).NewGrant(KindAccess, "u", "c", nil, t0); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("NewGrant with invalid options = %v", err)
	}
}
