package rest

import (
	"net/http"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/perm"
)

// The handlers of /vms (reference §2.3 "VMs", §2.4): create, dry run,
// get, delete, state, config, package, owner, metadata. Snapshots, NICs
// and backups are in vm_parts.go.

// advancedCreate is the permission that keeps a create's requirements.
var advancedCreate = perm.Permission{"cloud", "vms", "advanced_create"}

func (h *Handler) listVMs(c *call) error { return h.cloudList(c, cloud.VMs) }
func (h *Handler) getVM(c *call) error   { return h.cloudGet(c, cloud.VMs) }

// createRequest decodes a create body and tells whether the caller may
// keep its requirements (cloud/vms/advanced_create).
func (h *Handler) createRequest(c *call) (vms.CreateRequest, bool, error) {
	var req vms.CreateRequest
	if err := c.decode(&req); err != nil {
		return req, false, err
	}
	if len(req.Config.Requirements) == 0 {
		return req, false, nil
	}
	advanced, err := h.api.Allowed(c.ctx, c.sess, advancedCreate)
	return req, advanced, err
}

// createVM registers the VM (state pooled) and starts its create: 303 to
// it. The creator is the caller's user.
func (h *Handler) createVM(c *call) error {
	req, advanced, err := h.createRequest(c)
	if err != nil {
		return err
	}
	id, err := h.cloud.CreateVM(c.ctx, c.sess.User, req, advanced)
	if err != nil {
		return err
	}
	return c.seeOther("vms", id)
}

// dryRunVM answers 201 when the create would be placed now, 400 with the
// reason otherwise.
func (h *Handler) dryRunVM(c *call) error {
	req, advanced, err := h.createRequest(c)
	if err != nil {
		return err
	}
	if err := h.cloud.DryRun(c.ctx, c.sess.User, req, advanced); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusCreated)
	return nil
}

// deleteVM deletes a VM; {"location": "hypervisor"} (store) is not
// supported.
func (h *Handler) deleteVM(c *call) error {
	var req struct {
		Location string `json:"location"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.Location != "" {
		return errorf(http.StatusBadRequest, codeNotSupported, "storing a VM (location %q) is not supported", req.Location)
	}
	return c.doneWith(h.cloud.DeleteVM(c.ctx, c.param("id")))
}

func (h *Handler) changeVMState(c *call) error {
	var req struct {
		Action string `json:"action"`
		Force  bool   `json:"force"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	return c.doneWith(h.cloud.VMAction(c.ctx, c.param("id"), req.Action, req.Force))
}

func (h *Handler) updateVMConfig(c *call) error {
	var req struct {
		vms.ConfigUpdate
		SetRoutes []map[string]string `json:"set_routes"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	u := req.ConfigUpdate
	for _, r := range req.SetRoutes {
		for dst, gw := range r {
			if u.SetRoutes == nil {
				u.SetRoutes = map[string]string{}
			}
			u.SetRoutes[dst] = gw
		}
	}
	return c.doneWith(h.cloud.UpdateVMConfig(c.ctx, c.param("id"), u))
}

func (h *Handler) resizeVM(c *call) error {
	var req struct {
		Package string `json:"package"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	return c.doneWith(h.cloud.Resize(c.ctx, c.param("id"), req.Package))
}

func (h *Handler) setVMOwner(c *call) error {
	var req struct {
		Org string `json:"org"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	return c.doneWith(h.cloud.SetVMOwner(c.ctx, c.param("id"), req.Org))
}

func (h *Handler) setVMMetadata(c *call) error    { return h.cloudSetMetadata(c, cloud.VMs) }
func (h *Handler) deleteVMMetadata(c *call) error { return h.cloudDeleteMetadata(c, cloud.VMs) }
