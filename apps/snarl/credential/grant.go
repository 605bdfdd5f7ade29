package credential

import (
	"fmt"
	"slices"
	"time"
)

// Kind is what a bearer token is for. The numbers are stored: never
// renumber or reuse one.
type Kind uint8

// The token kinds. The zero Kind is invalid.
const (
	// KindAccess is an OAuth2 access token (Authorization: Bearer);
	// expires after Options.AccessTTL.
	KindAccess Kind = 1
	// KindRefresh is an OAuth2 refresh token; expires after
	// Options.RefreshTTL.
	KindRefresh Kind = 2
	// KindCode is an OAuth2 authorization code: single use, expires after
	// Options.CodeTTL.
	KindCode Kind = 3
	// KindOneTime is a one-time token for websockets (?fifo_ott=, from
	// GET /sessions/one_time_token): single use, expires after
	// Options.OneTimeTTL, and resolves to the access token it was minted
	// from (Grant.Parent).
	KindOneTime Kind = 4
	// KindMFA is the pending second-factor token of /oauth/2fa
	// (fifo_otp_token): single use, expires after Options.MFATTL.
	KindMFA Kind = 5
	// KindAPIKey is an API key made by POST /users/:id/tokens: never
	// expires, revoked by DELETE.
	KindAPIKey Kind = 6
)

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return k >= KindAccess && k <= KindAPIKey }

// SingleUse reports whether a token of kind k must be deleted when it is
// first used: authorization codes, one-time tokens and MFA tokens. The
// store enforces it; this only names the rule.
func (k Kind) SingleUse() bool {
	return k == KindCode || k == KindOneTime || k == KindMFA
}

// String returns the kind's name: access, refresh, code, one_time, mfa,
// api_key (FiFo's user JSON shows "access" and "refresh"), or kind(N).
func (k Kind) String() string {
	switch k {
	case KindAccess:
		return "access"
	case KindRefresh:
		return "refresh"
	case KindCode:
		return "code"
	case KindOneTime:
		return "one_time"
	case KindMFA:
		return "mfa"
	case KindAPIKey:
		return "api_key"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Grant is what a token stands for: the record a store keeps under the
// token's ID. It never holds the token itself.
type Grant struct {
	// Kind is what the token is for.
	Kind Kind
	// User is the user UUID the token acts for; empty for a
	// client_credentials grant.
	User string
	// Client is the OAuth2 client id it was issued to; empty for API keys.
	Client string
	// Scopes are the scope names granted (§3.3: the token's permissions
	// are the union of these scopes' permissions).
	Scopes []string
	// IssuedAt is when the token was minted.
	IssuedAt time.Time
	// ExpiresAt is the first instant the token is no longer valid; the
	// zero time means never (API keys).
	ExpiresAt time.Time
	// Parent is the ID of the token this one was derived from: for a
	// one-time token, the access token it resolves to; otherwise empty.
	Parent string
	// Comment is the user's note on an API key.
	Comment string
}

// Expired reports whether the grant is no longer valid at now: true from
// ExpiresAt on, never when ExpiresAt is zero. A grant is valid on
// [IssuedAt, ExpiresAt).
func (g Grant) Expired(now time.Time) bool {
	return !g.ExpiresAt.IsZero() && !now.Before(g.ExpiresAt)
}

// NewGrant returns a Grant of kind k issued at now, expiring after
// o.ValidFor(k) (never for API keys). scopes is copied. An invalid kind or
// invalid Options give ErrInvalidParams.
func (o Options) NewGrant(k Kind, user, client string, scopes []string, now time.Time) (Grant, error) {
	if !k.Valid() {
		return Grant{}, fmt.Errorf("%w: token kind %d", ErrInvalidParams, uint8(k))
	}
	if err := o.Validate(); err != nil {
		return Grant{}, err
	}
	g := Grant{Kind: k, User: user, Client: client, Scopes: slices.Clone(scopes), IssuedAt: now}
	if k != KindAPIKey {
		g.ExpiresAt = now.Add(o.ValidFor(k))
	}
	return g, nil
}
