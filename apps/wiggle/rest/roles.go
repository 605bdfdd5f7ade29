package rest

import "github.com/fifogo/fifo/apps/snarl/identity"

// The handlers of /roles (reference §2.3 "Roles"). PUT /roles/{id} is
// notSupported.

func (h *Handler) listRoles(c *call) error { return h.list(c, identity.Roles) }

func (h *Handler) createRole(c *call) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	id, err := h.api.CreateRole(c.ctx, req.Name)
	if err != nil {
		return err
	}
	return c.seeOther("roles", id)
}

func (h *Handler) getRole(c *call) error              { return h.get(c, identity.Roles) }
func (h *Handler) deleteRole(c *call) error           { return h.remove(c, identity.Roles) }
func (h *Handler) grantRolePermission(c *call) error  { return h.grant(c, identity.Roles) }
func (h *Handler) revokeRolePermission(c *call) error { return h.revoke(c, identity.Roles) }
func (h *Handler) setRoleMetadata(c *call) error      { return h.setMetadata(c, identity.Roles) }
func (h *Handler) setRoleMetadataPath(c *call) error  { return h.setMetadata(c, identity.Roles) }
func (h *Handler) deleteRoleMetadata(c *call) error   { return h.deleteMetadata(c, identity.Roles) }
