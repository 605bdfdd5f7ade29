package rest

import "github.com/fifogo/fifo/apps/snarl/identity"

// The handlers of /clients (reference §2.3 "Clients"). Redirect URIs are
// addressed by identity.URIID.

func (h *Handler) listClients(c *call) error { return h.list(c, identity.Clients) }

func (h *Handler) createClient(c *call) error {
	var req struct {
		Client string `json:"client"`
		Secret string `json:"secret"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	id, err := h.api.CreateClient(c.ctx, req.Client, req.Secret)
	if err != nil {
		return err
	}
	return c.seeOther("clients", id)
}

func (h *Handler) getClient(c *call) error { return h.get(c, identity.Clients) }

func (h *Handler) changeClientSecret(c *call) error {
	var req struct {
		Secret string `json:"secret"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := h.api.SetClientSecret(c.ctx, c.param("id"), req.Secret); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) deleteClient(c *call) error           { return h.remove(c, identity.Clients) }
func (h *Handler) grantClientPermission(c *call) error  { return h.grant(c, identity.Clients) }
func (h *Handler) revokeClientPermission(c *call) error { return h.revoke(c, identity.Clients) }

// addClientURI adds a redirect URI; 303 to the client.
func (h *Handler) addClientURI(c *call) error {
	var req struct {
		URI string `json:"uri"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := h.api.AddRedirectURI(c.ctx, c.param("id"), req.URI); err != nil {
		return err
	}
	return c.seeOther("clients", c.param("id"))
}

func (h *Handler) deleteClientURI(c *call) error {
	if err := h.api.DeleteRedirectURI(c.ctx, c.param("id"), c.param("uri")); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) setClientMetadata(c *call) error     { return h.setMetadata(c, identity.Clients) }
func (h *Handler) setClientMetadataPath(c *call) error { return h.setMetadata(c, identity.Clients) }
func (h *Handler) deleteClientMetadata(c *call) error  { return h.deleteMetadata(c, identity.Clients) }
