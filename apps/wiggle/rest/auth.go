package rest

import (
	"context"
	"net/http"
	"strings"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/perm"
)

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header (the scheme is case-insensitive).
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// authenticate resolves the request's bearer token to its session: from
// the cache, or from snarl (then cached until CacheTTL or the token's
// expiry, whichever is first). No token, or one snarl refuses, is a 401.
func (h *Handler) authenticate(ctx context.Context, r *http.Request) (identity.Session, error) {
	tok, ok := bearerToken(r)
	if !ok {
		return identity.Session{}, errorf(http.StatusUnauthorized, codeUnauthorized, "a bearer token is required")
	}
	key := credential.TokenID(tok)
	now := h.opts.Now()
	if s, ok := h.sessions.get(key, now); ok {
		return s, nil
	}
	gen := h.sessions.generation()
	s, err := h.api.Resolve(ctx, tok)
	if err != nil {
		e := Classify(err)
		if e.Status == http.StatusUnauthorized || e.Status == http.StatusNotFound || e.Status == http.StatusBadRequest {
			return identity.Session{}, &Error{Status: http.StatusUnauthorized, Code: codeUnauthorized,
				Message: "the bearer token is not valid", Err: err}
		}
		return identity.Session{}, e
	}
	if !s.Expires.IsZero() && !now.Before(s.Expires) {
		return identity.Session{}, errorf(http.StatusUnauthorized, codeUnauthorized, "the bearer token has expired")
	}
	h.sessions.put(key, s, gen, now, s.Expires)
	return s, nil
}

// authorize checks c for the session (scope and user, §3.3 step 3),
// through the permission cache. A refusal is a 403.
func (h *Handler) authorize(ctx context.Context, s identity.Session, c perm.Check) error {
	key := "s\x00" + s.TokenID + "\x00" + c.String()
	now := h.opts.Now()
	ok, cached := h.allowed.get(key, now)
	if !cached {
		gen := h.allowed.generation()
		var err error
		if ok, err = h.api.Allowed(ctx, s, c); err != nil {
			return err
		}
		h.allowed.put(key, ok, gen, now, s.Expires)
	}
	if !ok {
		return &Error{Status: http.StatusForbidden, Code: codeForbidden, Message: "permission denied"}
	}
	return nil
}

// visible reports whether list item p (e.g. users/<uuid>/get) is shown to
// the session: tested against the user's own effective permissions, not
// the token's scope (§3.3 step 5). A token without a user (client
// credentials) is tested with its scope and client instead (Allowed).
func (h *Handler) visible(ctx context.Context, s identity.Session, p perm.Permission) (bool, error) {
	key := "u\x00" + s.User + "\x00" + p.Path()
	if s.User == "" {
		key = "s\x00" + s.TokenID + "\x00" + p.Path()
	}
	now := h.opts.Now()
	if ok, cached := h.allowed.get(key, now); cached {
		return ok, nil
	}
	gen := h.allowed.generation()
	var ok bool
	var err error
	if s.User == "" {
		ok, err = h.api.Allowed(ctx, s, p)
	} else {
		ok, err = h.api.UserAllowed(ctx, s.User, p)
	}
	if err != nil {
		return false, err
	}
	h.allowed.put(key, ok, gen, now, s.Expires)
	return ok, nil
}
