package rest

import (
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// The handlers of /groupings (reference §2.3 "Groupings"). PUT
// /groupings/{id}/config works here (FiFo's is always 403).

func (h *Handler) listGroupings(c *call) error { return h.cloudList(c, cloud.Groupings) }
func (h *Handler) getGrouping(c *call) error   { return h.cloudGet(c, cloud.Groupings) }

// createGrouping creates a grouping and runs the caller's active org's
// grouping_create triggers; 303 to it.
func (h *Handler) createGrouping(c *call) error {
	var req struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	id, err := h.cloud.CreateGrouping(c.ctx, req.Name, req.Type)
	if err != nil {
		return err
	}
	h.runCreateTriggers(c, identity.EventGroupingCreate, id)
	return c.seeOther("groupings", id)
}

func (h *Handler) deleteGrouping(c *call) error {
	return c.doneWith(h.cloud.DeleteGrouping(c.ctx, c.param("id")))
}

func (h *Handler) addGroupingElement(c *call) error {
	return c.doneWith(h.cloud.AddGroupingElement(c.ctx, c.param("id"), c.param("element")))
}

func (h *Handler) removeGroupingElement(c *call) error {
	return c.doneWith(h.cloud.RemoveGroupingElement(c.ctx, c.param("id"), c.param("element")))
}

func (h *Handler) addGroupingParent(c *call) error {
	return c.doneWith(h.cloud.AddGroupingParent(c.ctx, c.param("id"), c.param("grouping")))
}

func (h *Handler) removeGroupingParent(c *call) error {
	return c.doneWith(h.cloud.RemoveGroupingParent(c.ctx, c.param("id"), c.param("grouping")))
}

func (h *Handler) setGroupingConfig(c *call) error {
	return setFromBody(c, func(path []string, v any) error {
		return h.cloud.SetGroupingConfig(c.ctx, c.param("id"), path, v)
	})
}

func (h *Handler) deleteGroupingConfig(c *call) error {
	return c.doneWith(h.cloud.DeleteGroupingConfig(c.ctx, c.param("id"), c.tail))
}

func (h *Handler) setGroupingMetadata(c *call) error { return h.cloudSetMetadata(c, cloud.Groupings) }
func (h *Handler) deleteGroupingMetadata(c *call) error {
	return h.cloudDeleteMetadata(c, cloud.Groupings)
}
