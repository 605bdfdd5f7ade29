package rest

import "github.com/fifogo/fifo/apps/sniffle/cloud"

// The handlers of /dtraces (reference §2.3 "DTrace"): scripts are stored
// and listed; running them (the /dtrace/{id}/stream websocket) is not
// served.

func (h *Handler) listDTraces(c *call) error { return h.cloudList(c, cloud.DTraces) }
func (h *Handler) getDTrace(c *call) error   { return h.cloudGet(c, cloud.DTraces) }

// dtraceBody is the body of POST and PUT.
type dtraceBody struct {
	Name   string         `json:"name"`
	Script string         `json:"script"`
	Config map[string]any `json:"config"`
}

// config is the body's config in the record store's shapes.
func dtraceConfig(c *call) (map[string]any, error) {
	obj, _ := c.value.(map[string]any)
	cfg, ok := obj["config"].(map[string]any)
	if !ok {
		return nil, nil
	}
	v, err := storable(cfg)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

func (h *Handler) createDTrace(c *call) error {
	var req dtraceBody
	if err := c.decode(&req); err != nil {
		return err
	}
	cfg, err := dtraceConfig(c)
	if err != nil {
		return err
	}
	id, err := h.cloud.CreateDTrace(c.ctx, req.Name, req.Script, cfg)
	if err != nil {
		return err
	}
	return c.seeOther("dtraces", id)
}

func (h *Handler) updateDTrace(c *call) error {
	var req dtraceBody
	if err := c.decode(&req); err != nil {
		return err
	}
	cfg, err := dtraceConfig(c)
	if err != nil {
		return err
	}
	return c.doneWith(h.cloud.UpdateDTrace(c.ctx, c.param("id"), req.Script, cfg))
}

func (h *Handler) deleteDTrace(c *call) error {
	return c.doneWith(h.cloud.DeleteDTrace(c.ctx, c.param("id")))
}

func (h *Handler) setDTraceMetadata(c *call) error    { return h.cloudSetMetadata(c, cloud.DTraces) }
func (h *Handler) deleteDTraceMetadata(c *call) error { return h.cloudDeleteMetadata(c, cloud.DTraces) }
