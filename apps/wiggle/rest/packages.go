package rest

import (
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/placement"
)

// The handlers of /packages (reference §2.3 "Packages"). Packages are
// immutable: PUT /packages/{id} is notSupported.

func (h *Handler) listPackages(c *call) error { return h.cloudList(c, cloud.Packages) }
func (h *Handler) getPackage(c *call) error   { return h.cloudGet(c, cloud.Packages) }

// createPackage creates a package; its requirements must be valid
// placement rules. 303 to it.
func (h *Handler) createPackage(c *call) error {
	var spec cloud.PackageSpec
	if err := c.decode(&spec); err != nil {
		return err
	}
	obj, _ := c.value.(map[string]any)
	reqs, _ := obj["requirements"].([]any)
	spec.Requirements = nil
	for i, r := range reqs {
		v, err := storable(r)
		if err != nil {
			return err
		}
		if _, err := placement.RuleFromValue(v); err != nil {
			return badRequest("requirement %d: %v", i, err)
		}
		spec.Requirements = append(spec.Requirements, v)
	}
	id, err := h.cloud.CreatePackage(c.ctx, spec)
	if err != nil {
		return err
	}
	return c.seeOther("packages", id)
}

func (h *Handler) deletePackage(c *call) error {
	return c.doneWith(h.cloud.DeletePackage(c.ctx, c.param("id")))
}

func (h *Handler) setPackageMetadata(c *call) error { return h.cloudSetMetadata(c, cloud.Packages) }
func (h *Handler) deletePackageMetadata(c *call) error {
	return h.cloudDeleteMetadata(c, cloud.Packages)
}
