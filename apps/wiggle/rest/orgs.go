package rest

import (
	"strconv"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// The handlers of /orgs (reference §2.3 "Orgs"). PUT /orgs/{id} is
// notSupported.

func (h *Handler) listOrgs(c *call) error { return h.list(c, identity.Orgs) }

func (h *Handler) createOrg(c *call) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	id, err := h.api.CreateOrg(c.ctx, req.Name)
	if err != nil {
		return err
	}
	return c.seeOther("orgs", id)
}

func (h *Handler) getOrg(c *call) error    { return h.get(c, identity.Orgs) }
func (h *Handler) deleteOrg(c *call) error { return h.remove(c, identity.Orgs) }

// accountingJSON is the AccountingEntry schema.
type accountingJSON struct {
	Action    string         `json:"action"`
	Resource  string         `json:"resource"`
	Timestamp int64          `json:"timestamp"`
	Metadata  map[string]any `json:"metadata,omitempty"`
}

func (h *Handler) getOrgAccounting(c *call) error {
	q := c.r.URL.Query()
	start, err := strconv.ParseInt(q.Get("start"), 10, 64)
	if err != nil {
		return badRequest("start must be an integer")
	}
	end, err := strconv.ParseInt(q.Get("end"), 10, 64)
	if err != nil {
		return badRequest("end must be an integer")
	}
	entries, err := h.api.Accounting(c.ctx, c.param("id"), start, end)
	if err != nil {
		return err
	}
	out := make([]accountingJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, accountingJSON{Action: e.Action, Resource: e.Resource, Timestamp: e.Timestamp, Metadata: e.Metadata})
	}
	return c.ok(out)
}

// createOrgTrigger adds a trigger for the event in the path; 303 to the
// org. Grants are stored by snarl as [base, "$", permission...].
func (h *Handler) createOrgTrigger(c *call) error {
	var req struct {
		Action     string   `json:"action"`
		Base       string   `json:"base"`
		Permission []string `json:"permission"`
		Target     string   `json:"target"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	t := identity.OrgTrigger{Event: c.param("trigger"), Action: req.Action, Target: req.Target,
		Base: req.Base, Permission: req.Permission}
	if _, err := h.api.AddTrigger(c.ctx, c.param("id"), t); err != nil {
		return err
	}
	return c.seeOther("orgs", c.param("id"))
}

func (h *Handler) deleteOrgTrigger(c *call) error {
	if err := h.api.DeleteTrigger(c.ctx, c.param("id"), c.param("trigger")); err != nil {
		return err
	}
	return c.noContent()
}

// changeOrgResource takes {"inc": n} or {"dec": n}, n ≥ 1.
func (h *Handler) changeOrgResource(c *call) error {
	var req struct {
		Inc *int64 `json:"inc"`
		Dec *int64 `json:"dec"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	var delta int64
	switch {
	case req.Inc != nil && req.Dec == nil && *req.Inc > 0:
		delta = *req.Inc
	case req.Dec != nil && req.Inc == nil && *req.Dec > 0:
		delta = -*req.Dec
	default:
		return badRequest(`the body must be {"inc": n} or {"dec": n} with n >= 1`)
	}
	if err := h.api.ChangeResource(c.ctx, c.param("id"), c.param("resource"), delta); err != nil {
		return err
	}
	return c.noContent()
}

// setOrgDockerNetwork stores the network under the org's metadata
// fifo.docker.networks.<scope>, shown as Org.docker.
func (h *Handler) setOrgDockerNetwork(c *call) error {
	var req struct {
		Network string `json:"network"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	path := append(append([]string{}, dockerPath...), c.param("scope"))
	if err := h.api.SetMetadata(c.ctx, identity.Orgs, c.param("id"), path, req.Network); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) setOrgMetadata(c *call) error     { return h.setMetadata(c, identity.Orgs) }
func (h *Handler) setOrgMetadataPath(c *call) error { return h.setMetadata(c, identity.Orgs) }
func (h *Handler) deleteOrgMetadata(c *call) error  { return h.deleteMetadata(c, identity.Orgs) }
