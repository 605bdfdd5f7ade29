package rest

import (
	"net/http"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// Helpers shared by the handlers of sniffle's collections.

// needsCloud guards a cloud route: without a Cloud (Options.Cloud) it
// answers 503 after the usual checks.
func needsCloud(fn handlerFunc) handlerFunc {
	return func(h *Handler, c *call) error {
		if h.cloud == nil {
			return errorf(http.StatusServiceUnavailable, codeUnavailable, "sniffle is not available")
		}
		return fn(h, c)
	}
}

// cloudList answers GET /<coll> for sniffle's kind k.
func (h *Handler) cloudList(c *call, k cloud.Kind) error {
	ids, err := h.cloud.List(c.ctx, k)
	if err != nil {
		return err
	}
	return h.listOf(c, ids, func(id string) (any, error) {
		rec, err := h.cloud.Get(c.ctx, k, id)
		if err != nil {
			return nil, err
		}
		return renderCloud(k, id, rec)
	})
}

// cloudGet answers GET /<coll>/{id} with the object's view.
func (h *Handler) cloudGet(c *call, k cloud.Kind) error {
	id := c.param("id")
	rec, err := h.cloud.Get(c.ctx, k, id)
	if err != nil {
		return err
	}
	v, err := renderCloud(k, id, rec)
	if err != nil {
		return err
	}
	return c.object(v)
}

// cloudSetMetadata answers PUT /<coll>/{id}/metadata[/path...]: sniffle's
// objects keep the API's metadata at the root of their metadata map.
func (h *Handler) cloudSetMetadata(c *call, k cloud.Kind) error {
	return setFromBody(c, func(path []string, v any) error {
		return h.cloud.SetMetadata(c.ctx, k, c.param("id"), path, v)
	})
}

// cloudDeleteMetadata answers DELETE /<coll>/{id}/metadata/path...
func (h *Handler) cloudDeleteMetadata(c *call, k cloud.Kind) error {
	return c.doneWith(h.cloud.DeleteMetadata(c.ctx, k, c.param("id"), c.tail))
}

// doneWith answers err, or 204 when it is nil.
func (c *call) doneWith(err error) error {
	if err != nil {
		return err
	}
	return c.noContent()
}

// runCreateTriggers runs the triggers of the caller's active org for a
// new element (dataset_create, grouping_create). The element exists
// already, so a failure is logged, not answered.
func (h *Handler) runCreateTriggers(c *call, event, element string) {
	if c.sess.User == "" {
		return
	}
	rec, err := h.api.Get(c.ctx, identity.Users, c.sess.User)
	if err != nil {
		h.log.Warn("create triggers: caller not loaded", "event", event, "err", err)
		return
	}
	u, err := record.UserFromRecord(rec)
	if err != nil || u.ActiveOrg == "" {
		return
	}
	if err := h.api.RunTriggers(c.ctx, u.ActiveOrg, event, element); err != nil {
		h.log.Warn("create triggers failed", "event", event, "org", u.ActiveOrg, "err", err)
	}
}
