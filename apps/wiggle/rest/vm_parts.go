package rest

import (
	"fmt"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// The handlers of a VM's parts: snapshots, NICs, backups (reference §2.3
// "VMs"). Creating and restoring backups, firewall rules, metrics and
// services are notSupported.

// createVMSnapshot takes a snapshot; 303 to the VM.
func (h *Handler) createVMSnapshot(c *call) error {
	var req struct {
		Comment string `json:"comment"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if _, err := h.cloud.Snapshot(c.ctx, c.param("id"), req.Comment); err != nil {
		return err
	}
	return c.seeOther("vms", c.param("id"))
}

// rollbackVMSnapshot takes {"action": "rollback"} (the schema allows no
// other action).
func (h *Handler) rollbackVMSnapshot(c *call) error {
	return c.doneWith(h.cloud.Rollback(c.ctx, c.param("id"), c.param("snap")))
}

func (h *Handler) deleteVMSnapshot(c *call) error {
	return c.doneWith(h.cloud.DeleteSnapshot(c.ctx, c.param("id"), c.param("snap")))
}

// addVMNIC adds an interface on a network to a stopped VM; 303 to the VM.
func (h *Handler) addVMNIC(c *call) error {
	var req struct {
		Network string `json:"network"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if _, err := h.cloud.AddNIC(c.ctx, c.param("id"), req.Network); err != nil {
		return err
	}
	return c.seeOther("vms", c.param("id"))
}

// setVMNICPrimary takes {"primary": true} (the schema allows no other).
func (h *Handler) setVMNICPrimary(c *call) error {
	return c.doneWith(h.cloud.SetPrimaryNIC(c.ctx, c.param("id"), c.param("mac")))
}

func (h *Handler) deleteVMNIC(c *call) error {
	return c.doneWith(h.cloud.RemoveNIC(c.ctx, c.param("id"), c.param("mac")))
}

// vmBackups reads a VM's backups map.
func (h *Handler) vmBackups(c *call) (map[string]any, error) {
	rec, err := h.cloud.Get(c.ctx, cloud.VMs, c.param("id"))
	if err != nil {
		return nil, err
	}
	vm, err := record.VMFromRecord(rec)
	if err != nil {
		return nil, fmt.Errorf("vm %s: %w", c.param("id"), err)
	}
	return plainMap(vm.Backups), nil
}

func (h *Handler) listVMBackups(c *call) error {
	b, err := h.vmBackups(c)
	if err != nil {
		return err
	}
	return c.ok(b)
}

func (h *Handler) getVMBackup(c *call) error {
	b, err := h.vmBackups(c)
	if err != nil {
		return err
	}
	one, ok := b[c.param("backup")].(map[string]any)
	if !ok {
		return fmt.Errorf("backup %s: %w", c.param("backup"), cloud.ErrNotFound)
	}
	return c.ok(one)
}
