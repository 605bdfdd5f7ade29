package rest

import (
	"net/http"
	"time"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// The handlers of /sessions and /scopes (reference §2.3 "Auth / session
// / cloud").

// getSession answers the caller's user, as GET /users/{id} would. A token
// of a client acting for itself has no user: 404 user_not_found.
func (h *Handler) getSession(c *call) error {
	if c.sess.User == "" {
		return errorf(http.StatusNotFound, codeUserNotFound, "the token belongs to a client, not a user")
	}
	rec, err := h.api.Get(c.ctx, identity.Users, c.sess.User)
	if err != nil {
		return err
	}
	u, err := renderUser(rec)
	if err != nil {
		return err
	}
	return c.ok(u)
}

// oneTimeTokenJSON is the OneTimeToken schema ("expiery" sic).
type oneTimeTokenJSON struct {
	Token   string `json:"token"`
	Expiery int64  `json:"expiery"`
}

func (h *Handler) getOneTimeToken(c *call) error {
	tok, validFor, err := h.api.OneTimeToken(c.ctx, c.sess)
	if err != nil {
		return err
	}
	c.w.Header().Set("Cache-Control", "no-store")
	return c.ok(oneTimeTokenJSON{Token: tok, Expiery: max(int64(validFor/time.Second), 1)})
}

// deleteSession revokes a token of the caller's (the path holds the
// bearer itself).
func (h *Handler) deleteSession(c *call) error {
	if err := h.api.RevokeToken(c.ctx, c.sess, c.param("token")); err != nil {
		return err
	}
	return c.noContent()
}

// scopeJSON is the Scope schema.
type scopeJSON struct {
	Scope       string `json:"scope"`
	Description string `json:"description"`
	Default     bool   `json:"default"`
}

func (h *Handler) listScopes(c *call) error {
	scopes := h.api.Scopes()
	out := make([]scopeJSON, 0, len(scopes))
	for _, s := range scopes {
		out = append(out, scopeJSON{Scope: s.Name, Description: s.Description, Default: s.Default})
	}
	return c.ok(out)
}
