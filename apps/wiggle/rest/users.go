package rest

import (
	"errors"
	"net/http"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// The handlers of /users (reference §2.3 "Users").

func (h *Handler) listUsers(c *call) error { return h.list(c, identity.Users) }

func (h *Handler) createUser(c *call) error {
	var req struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	id, err := h.api.CreateUser(c.ctx, c.sess, req.User, req.Password)
	if err != nil {
		return err
	}
	return c.seeOther("users", id)
}

func (h *Handler) getUser(c *call) error { return h.get(c, identity.Users) }

func (h *Handler) changeUserPassword(c *call) error {
	var req struct {
		Password string `json:"password"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := h.api.SetPassword(c.ctx, c.param("id"), req.Password); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) deleteUser(c *call) error { return h.remove(c, identity.Users) }

// testUserPermission answers 200 either way: {"ok":"allowed"} or
// {"error":"forbidden"}.
func (h *Handler) testUserPermission(c *call) error {
	p, err := c.permission()
	if err != nil {
		return err
	}
	ok, err := h.api.UserAllowed(c.ctx, c.param("id"), p)
	if err != nil {
		return err
	}
	if ok {
		return c.ok(map[string]string{"ok": "allowed"})
	}
	return c.ok(map[string]string{"error": "forbidden"})
}

func (h *Handler) grantUserPermission(c *call) error  { return h.grant(c, identity.Users) }
func (h *Handler) revokeUserPermission(c *call) error { return h.revoke(c, identity.Users) }

func (h *Handler) joinUserRole(c *call) error {
	if err := h.api.JoinRole(c.ctx, c.param("id"), c.param("role")); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) leaveUserRole(c *call) error {
	if err := h.api.LeaveRole(c.ctx, c.param("id"), c.param("role")); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) joinUserOrg(c *call) error {
	var req struct {
		Active bool `json:"active"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := h.api.JoinOrg(c.ctx, c.param("id"), c.param("org"), req.Active); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) leaveUserOrg(c *call) error {
	if err := h.api.LeaveOrg(c.ctx, c.param("id"), c.param("org")); err != nil {
		return err
	}
	return c.noContent()
}

// addUserKey takes {"<name>": "<ssh key line>"}, exactly one key.
func (h *Handler) addUserKey(c *call) error {
	var req map[string]string
	if err := c.decode(&req); err != nil {
		return err
	}
	if len(req) != 1 {
		return badRequest("the body must hold exactly one key")
	}
	for name, key := range req {
		if err := h.api.AddSSHKey(c.ctx, c.param("id"), name, key); err != nil {
			return err
		}
	}
	return c.noContent()
}

func (h *Handler) deleteUserKey(c *call) error {
	if err := h.api.DeleteSSHKey(c.ctx, c.param("id"), c.param("key")); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) addUserYubikey(c *call) error {
	var req struct {
		OTP string `json:"otp"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := h.api.AddYubikey(c.ctx, c.param("id"), req.OTP); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) deleteUserYubikey(c *call) error {
	if err := h.api.DeleteYubikey(c.ctx, c.param("id"), c.param("key")); err != nil {
		return err
	}
	return c.noContent()
}

// createUserToken mints an API key: 200 {"token","token-id"}, the only
// time the token is shown. The CSR variant (client certificates) is not
// supported: 400 not_supported.
func (h *Handler) createUserToken(c *call) error {
	var req struct {
		Comment string   `json:"comment"`
		Scope   []string `json:"scope"`
		CSR     *string  `json:"csr"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.CSR != nil {
		return errorf(http.StatusBadRequest, codeNotSupported, "client certificates from a CSR are not supported")
	}
	key, err := h.api.CreateAPIKey(c.ctx, c.param("id"), req.Comment, req.Scope)
	switch {
	case errors.Is(err, identity.ErrInvalidScope):
		return &Error{Status: http.StatusNotFound, Code: codeBadScope, Message: "bad scope", Err: err}
	case errors.Is(err, identity.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: codeUserNotFound, Message: "user not found", Err: err}
	case err != nil:
		return err
	}
	c.w.Header().Set("Cache-Control", "no-store")
	return c.ok(key)
}

func (h *Handler) deleteUserToken(c *call) error {
	if err := h.api.DeleteAPIKey(c.ctx, c.param("id"), c.param("token")); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) setUserMetadata(c *call) error     { return h.setMetadata(c, identity.Users) }
func (h *Handler) setUserMetadataPath(c *call) error { return h.setMetadata(c, identity.Users) }
func (h *Handler) deleteUserMetadata(c *call) error  { return h.deleteMetadata(c, identity.Users) }
