package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// The handlers of /datasets (reference §2.3 "Datasets"). Image export and
// upload (dataset.gz) are notSupported.

func (h *Handler) listDatasets(c *call) error { return h.cloudList(c, cloud.Datasets) }
func (h *Handler) getDataset(c *call) error   { return h.cloudGet(c, cloud.Datasets) }

// createDataset imports {"url": manifest}; promoting a snapshot
// ({"config","snapshot","vm"}) is not supported. 303 to the dataset.
func (h *Handler) createDataset(c *call) error {
	var req struct {
		URL string `json:"url"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.URL == "" {
		return errorf(http.StatusBadRequest, codeNotSupported, "promoting a snapshot to an image is not supported")
	}
	id, err := h.cloud.ImportDataset(c.ctx, req.URL)
	if err != nil {
		return err
	}
	h.runCreateTriggers(c, identity.EventDatasetCreate, id)
	return c.seeOther("datasets", id)
}

// datasetFromManifest creates the dataset of the path from the body's
// manifest, status pending. An existing dataset is 400, as in FiFo.
func (h *Handler) datasetFromManifest(c *call) error {
	id := c.param("id")
	m, ok := c.value.(map[string]any)
	if !ok {
		return badRequest("the body must be a manifest object")
	}
	if u, ok := m["uuid"].(string); ok && u != id {
		return badRequest("the manifest's uuid is not the path's")
	}
	m["uuid"] = id
	b, err := json.Marshal(m)
	if err != nil {
		return badRequest("the manifest does not encode")
	}
	man, err := cloud.ParseManifest(b)
	if err != nil {
		return err
	}
	err = h.cloud.CreateDataset(c.ctx, man)
	if errors.Is(err, cloud.ErrConflict) {
		return badRequest("dataset %s exists", id)
	}
	if err != nil {
		return err
	}
	h.runCreateTriggers(c, identity.EventDatasetCreate, id)
	return nil
}

func (h *Handler) putDatasetManifest(c *call) error {
	if err := h.datasetFromManifest(c); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusCreated)
	return nil
}

func (h *Handler) postDatasetManifest(c *call) error {
	if err := h.datasetFromManifest(c); err != nil {
		return err
	}
	return c.seeOther("datasets", c.param("id"))
}

func (h *Handler) deleteDataset(c *call) error {
	return c.doneWith(h.cloud.DeleteDataset(c.ctx, c.param("id")))
}

func (h *Handler) setDatasetNetwork(c *call) error {
	var req struct {
		Description string `json:"description"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	return c.doneWith(h.cloud.SetDatasetNetwork(c.ctx, c.param("id"), c.param("nic"), req.Description))
}

func (h *Handler) deleteDatasetNetwork(c *call) error {
	err := h.cloud.DeleteDatasetNetwork(c.ctx, c.param("id"), c.param("nic"))
	if err != nil {
		return fmt.Errorf("dataset network: %w", err)
	}
	return c.noContent()
}

func (h *Handler) setDatasetMetadata(c *call) error { return h.cloudSetMetadata(c, cloud.Datasets) }
func (h *Handler) deleteDatasetMetadata(c *call) error {
	return h.cloudDeleteMetadata(c, cloud.Datasets)
}
