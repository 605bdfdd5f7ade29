package rest

import (
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/google/uuid"
)

// The handlers of /ipranges (reference §2.3 "IP ranges").

func (h *Handler) listIPRanges(c *call) error { return h.cloudList(c, cloud.IPRanges) }
func (h *Handler) getIPRange(c *call) error   { return h.cloudGet(c, cloud.IPRanges) }

func (h *Handler) createIPRange(c *call) error {
	var spec cloud.IPRangeSpec
	if err := c.decode(&spec); err != nil {
		return err
	}
	id, err := h.cloud.CreateIPRange(c.ctx, spec)
	if err != nil {
		return err
	}
	return c.seeOther("ipranges", id)
}

func (h *Handler) deleteIPRange(c *call) error {
	return c.doneWith(h.cloud.DeleteIPRange(c.ctx, c.param("id")))
}

// claimHolder labels an address claimed through the API (FiFo records no
// holder): the claiming user, and a claim id of its own — a lease claimed
// again by its holder succeeds, so two claims by one user (through two
// nodes whose views lag) must not share a holder, or both would get the
// same address.
func claimHolder(c *call) string {
	who := "client:" + c.sess.Client
	if c.sess.User != "" {
		who = "user:" + c.sess.User
	}
	return who + "/" + uuid.NewString()
}

// claimIP answers 200 with the lease (the lowest free address).
func (h *Handler) claimIP(c *call) error {
	l, err := h.cloud.ClaimIP(c.ctx, c.param("id"), claimHolder(c))
	if err != nil {
		return err
	}
	return c.ok(l)
}

// releaseIP frees an address whoever holds it.
func (h *Handler) releaseIP(c *call) error {
	return c.doneWith(h.cloud.ReleaseIP(c.ctx, c.param("id"), c.param("ip"), ""))
}

func (h *Handler) setIPRangeMetadata(c *call) error { return h.cloudSetMetadata(c, cloud.IPRanges) }
func (h *Handler) deleteIPRangeMetadata(c *call) error {
	return h.cloudDeleteMetadata(c, cloud.IPRanges)
}
