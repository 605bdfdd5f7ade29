package howl

import (
	"context"
	"errors"
)

// Auth resolves one-time tokens for websocket connections.
type Auth interface {
	// ConsumeOTT resolves ott and invalidates it (single use). Errors:
	// unknown, expired, already used (answered 403), or one wrapping
	// ErrAuthUnavailable (answered 503).
	ConsumeOTT(ctx context.Context, ott string) (Principal, error)
}

// Principal is the authenticated user of a connection.
type Principal interface {
	// Allowed reports whether the principal holds perm (e.g.
	// ["channels", ch, "join"]).
	Allowed(ctx context.Context, perm []string) (bool, error)
}

// ErrAuthUnavailable is wrapped by an Auth that could not check a token
// at all (its backend is down): the client is answered 503, not 403.
var ErrAuthUnavailable = errors.New("howl: authentication unavailable")

// AuthFunc adapts a function to Auth.
type AuthFunc func(ctx context.Context, ott string) (Principal, error)

// ConsumeOTT implements Auth.
func (f AuthFunc) ConsumeOTT(ctx context.Context, ott string) (Principal, error) { return f(ctx, ott) }

// PrincipalFunc adapts a function to Principal.
type PrincipalFunc func(ctx context.Context, perm []string) (bool, error)

// Allowed implements Principal.
func (f PrincipalFunc) Allowed(ctx context.Context, perm []string) (bool, error) { return f(ctx, perm) }

// joinPermission is the permission a principal needs to join channel.
func joinPermission(channel string) []string { return []string{"channels", channel, "join"} }
