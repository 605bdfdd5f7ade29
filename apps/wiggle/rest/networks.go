package rest

import "github.com/fifogo/fifo/apps/sniffle/cloud"

// The handlers of /networks (reference §2.3 "Networks"). Resolvers have
// no route, as in FiFo.

func (h *Handler) listNetworks(c *call) error { return h.cloudList(c, cloud.Networks) }
func (h *Handler) getNetwork(c *call) error   { return h.cloudGet(c, cloud.Networks) }

func (h *Handler) createNetwork(c *call) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	id, err := h.cloud.CreateNetwork(c.ctx, req.Name)
	if err != nil {
		return err
	}
	return c.seeOther("networks", id)
}

func (h *Handler) deleteNetwork(c *call) error {
	return c.doneWith(h.cloud.DeleteNetwork(c.ctx, c.param("id")))
}

func (h *Handler) addNetworkIPRange(c *call) error {
	return c.doneWith(h.cloud.AddNetworkIPRange(c.ctx, c.param("id"), c.param("iprange")))
}

func (h *Handler) removeNetworkIPRange(c *call) error {
	return c.doneWith(h.cloud.RemoveNetworkIPRange(c.ctx, c.param("id"), c.param("iprange")))
}

func (h *Handler) setNetworkMetadata(c *call) error { return h.cloudSetMetadata(c, cloud.Networks) }
func (h *Handler) deleteNetworkMetadata(c *call) error {
	return h.cloudDeleteMetadata(c, cloud.Networks)
}
