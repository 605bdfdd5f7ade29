package rest

import (
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// The handlers of /hypervisors (reference §2.3 "Hypervisors"). Metrics
// and SMF services are notSupported.

func (h *Handler) listHypervisors(c *call) error { return h.cloudList(c, cloud.Hypervisors) }
func (h *Handler) getHypervisor(c *call) error   { return h.cloudGet(c, cloud.Hypervisors) }

func (h *Handler) deleteHypervisor(c *call) error {
	return c.doneWith(h.cloud.UnregisterHypervisor(c.ctx, c.param("id")))
}

// setHypervisorConfig takes {"alias": s} or {"path": [{"name","cost"}]}.
func (h *Handler) setHypervisorConfig(c *call) error {
	var req struct {
		Alias *string `json:"alias"`
		Path  []struct {
			Name string `json:"name"`
			Cost int64  `json:"cost"`
		} `json:"path"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.Alias != nil {
		return c.doneWith(h.cloud.SetHypervisorAlias(c.ctx, c.param("id"), *req.Alias))
	}
	path := make([]record.PathElem, 0, len(req.Path))
	for _, p := range req.Path {
		path = append(path, record.PathElem{Name: p.Name, Cost: p.Cost})
	}
	return c.doneWith(h.cloud.SetHypervisorPath(c.ctx, c.param("id"), path))
}

func (h *Handler) setHypervisorCharacteristic(c *call) error {
	return setFromBody(c, func(path []string, v any) error {
		return h.cloud.SetCharacteristic(c.ctx, c.param("id"), path, v)
	})
}

func (h *Handler) deleteHypervisorCharacteristic(c *call) error {
	return c.doneWith(h.cloud.DeleteCharacteristic(c.ctx, c.param("id"), c.tail))
}

func (h *Handler) setHypervisorMetadata(c *call) error {
	return h.cloudSetMetadata(c, cloud.Hypervisors)
}

func (h *Handler) deleteHypervisorMetadata(c *call) error {
	return h.cloudDeleteMetadata(c, cloud.Hypervisors)
}
