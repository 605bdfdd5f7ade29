package rest

import "github.com/fifogo/fifo/apps/sniffle/cloud"

// The handlers of /cloud (reference §2.3 "Auth / session / cloud").

// cloudConnectionJSON is the CloudConnection schema.
type cloudConnectionJSON struct {
	Sniffle int `json:"sniffle"`
	Snarl   int `json:"snarl"`
}

// getCloudConnection reports the snarl wiggle calls (one: the identity
// service it was built with) and the sniffle (one when it has a Cloud).
func (h *Handler) getCloudConnection(c *call) error {
	n := 0
	if h.cloud != nil {
		n = 1
	}
	return c.ok(cloudConnectionJSON{Sniffle: n, Snarl: 1})
}

// cloudJSON is the CloudStatus schema.
type cloudJSON struct {
	Versions map[string]string `json:"versions"`
	Metrics  map[string]any    `json:"metrics"`
	Warnings []warningJSON     `json:"warnings"`
}

// warningJSON is a CloudStatus warning.
type warningJSON struct {
	Category string `json:"category"`
	Element  string `json:"element"`
	Message  string `json:"message"`
}

func (h *Handler) getCloud(c *call) error {
	out := cloudJSON{
		Versions: map[string]string{"wiggle": h.opts.Version, "snarl": h.opts.Version},
		Metrics:  map[string]any{},
		Warnings: []warningJSON{},
	}
	if h.cloud == nil {
		out.Warnings = append(out.Warnings, warningJSON{Category: "sniffle", Element: "connection",
			Message: "no sniffle server is reachable"})
		return c.ok(out)
	}
	out.Versions["sniffle"] = h.opts.Version
	for _, k := range []cloud.Kind{cloud.Hypervisors, cloud.VMs, cloud.Datasets, cloud.Packages, cloud.Networks} {
		ids, err := h.cloud.List(c.ctx, k)
		if err != nil {
			return err
		}
		out.Metrics[string(k)] = len(ids)
	}
	return c.ok(out)
}
