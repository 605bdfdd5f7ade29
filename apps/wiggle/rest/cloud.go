package rest

// The handlers of /cloud (reference §2.3 "Auth / session / cloud").

// cloudConnectionJSON is the CloudConnection schema.
type cloudConnectionJSON struct {
	Sniffle int `json:"sniffle"`
	Snarl   int `json:"snarl"`
}

// getCloudConnection reports the snarl wiggle calls (one: the identity
// service it was built with) and no sniffle yet.
func (h *Handler) getCloudConnection(c *call) error {
	return c.ok(cloudConnectionJSON{Sniffle: 0, Snarl: 1})
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
	return c.ok(cloudJSON{
		Versions: map[string]string{"wiggle": h.opts.Version, "snarl": h.opts.Version},
		Metrics:  map[string]any{},
		Warnings: []warningJSON{{Category: "sniffle", Element: "connection", Message: "no sniffle server is reachable"}},
	})
}
